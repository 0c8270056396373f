import net from 'node:net';
import type { ControlHandler, ControlOp, ControlRequest, ControlResponse } from '../../base/contracts/control-protocol.js';
import { ControlRequest as ControlRequestSchema, ControlResults, MAX_CONTROL_LINE } from '../../base/contracts/control-protocol.js';
import { firstIssue } from '../../base/contracts/format-issue.js';
import { readJsonLines, type InvalidLineReason } from '../ipc/line-framer.js';
import { PrivateSocketServer } from '../ipc/private-socket-server.js';
import { ControlSocketInUseError } from './control-errors.js';
import { INTERNAL_CONTROL_ERROR, toControlError } from './to-control-error.js';

/** Why a control line was not served: too long, not JSON, or JSON that is not a ControlRequest. */
export type ControlFrameInvalidReason = InvalidLineReason | 'invalid-request';

/** How to run a ControlServer. */
export interface ControlServerOptions {
  /** From `controlSocketPath(home)`. Its folder is made private (0700) before listening. */
  readonly socketPath: string;
  readonly handler: ControlHandler;
  /** A line was dropped or refused; the host audits it as `frame.invalid`. Never carries the line. */
  readonly onInvalidFrame?: (reason: ControlFrameInvalidReason) => void;
  /** A handler failed with something other than a coded error; the client only saw CORE_INTERNAL. */
  readonly onInternalError?: (error: unknown, op: ControlOp | undefined) => void;
}

/** Requests one connection may have in flight before we stop reading from it. */
const MAX_IN_FLIGHT = 16;

/**
 * The host end of the control socket: newline-delimited JSON, one ControlRequest per line,
 * each answered by one ControlResponse line with the same id (answers may come out of order).
 */
export class ControlServer extends PrivateSocketServer {
  private constructor(
    server: net.Server,
    private readonly options: ControlServerOptions,
  ) {
    super(server, options.socketPath);
  }

  /** Replace a stale socket file, listen, and restrict the socket to its owner. */
  static async listen(options: ControlServerOptions): Promise<ControlServer> {
    const control = new ControlServer(net.createServer({ allowHalfOpen: true }), options);
    await control.listenPrivately((message) => new ControlSocketInUseError(message));
    control.server.on('error', (e) => options.onInternalError?.(e, undefined));
    return control;
  }

  protected onConnection(socket: net.Socket): void {
    let inFlight = 0;
    let peerEnded = false;
    const settle = (): void => {
      inFlight--;
      if (socket.isPaused() && inFlight < MAX_IN_FLIGHT) socket.resume();
      if (peerEnded && inFlight === 0) socket.end();
    };
    readJsonLines(socket, {
      maxLineBytes: MAX_CONTROL_LINE,
      onInvalid: (reason) => this.options.onInvalidFrame?.(reason),
      onValue: (value) => {
        const parsed = ControlRequestSchema.safeParse(value);
        if (!parsed.success) {
          this.options.onInvalidFrame?.('invalid-request');
          const id = (value as { id?: unknown } | null)?.id;
          // Answer only when the sender can match the answer to its request.
          if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
            const { path: field, message } = firstIssue(parsed.error);
            const text = `invalid control request: ${field || '(root)'}: ${message}; use a keybroker CLI of the same version as the host`;
            send(socket, { id, ok: false, error: { code: 'CORE_CONTROL_INVALID_REQUEST', message: text.replace(/[\r\n]+/g, ' ') } });
          }
          return;
        }
        inFlight++;
        if (inFlight >= MAX_IN_FLIGHT) socket.pause();
        void this.serve(parsed.data).then((response) => {
          send(socket, response);
          settle();
        });
      },
    });
    // Registered after the framer's own 'end' listener, which delivers a last line sent
    // without a newline: that request must count as in flight before we decide to end.
    socket.on('end', () => {
      peerEnded = true;
      if (inFlight === 0) socket.end();
    });
  }

  /** Run one request; never rejects. */
  private async serve(req: ControlRequest): Promise<ControlResponse> {
    try {
      const result = await dispatch(this.options.handler, req);
      // Security: only what the contract names leaves the host; a handler bug that adds a
      // field (a token, a password) fails here instead of reaching the client.
      const checked = ControlResults[req.op].safeParse(result);
      if (!checked.success) {
        this.options.onInternalError?.(new Error(`ControlHandler.${req.op} returned a result that breaks the contract: ${firstIssue(checked.error).path}`), req.op);
        return { id: req.id, ok: false, error: { ...INTERNAL_CONTROL_ERROR } };
      }
      return { id: req.id, ok: true, result: checked.data };
    } catch (e) {
      const error = toControlError(e);
      if (error === INTERNAL_CONTROL_ERROR) this.options.onInternalError?.(e, req.op);
      return { id: req.id, ok: false, error: { ...error } };
    }
  }
}

function dispatch(handler: ControlHandler, req: ControlRequest): Promise<unknown> {
  switch (req.op) {
    case 'status':
      return handler.status();
    case 'approvals.list':
      return handler.listApprovals();
    case 'approvals.decide':
      return handler.decideApproval(req.approval, req.decision);
    case 'lock':
      return handler.lock(req.target);
    case 'config.reload':
      return handler.reloadConfig(req.changedCredentials);
    case 'server.restart':
      return handler.restartServer(req.server);
    case 'policy.test':
      return handler.testPolicy(req.server, req.tool, req.args);
  }
}

function send(socket: net.Socket, response: ControlResponse): void {
  if (socket.destroyed || !socket.writable) return;
  socket.write(JSON.stringify(response) + '\n');
}
