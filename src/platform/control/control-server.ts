import net from 'node:net';
import type { ControlHandler, ControlOp, ControlRequest, ControlResponse } from '../../base/contracts/control-protocol.js';
import { ControlRequest as ControlRequestSchema, ControlResults, MAX_CONTROL_LINE } from '../../base/contracts/control-protocol.js';
import { firstIssue } from '../../base/contracts/format-issue.js';
import { readJsonLines, type InvalidLineReason } from '../ipc/line-framer.js';
import { PrivateSocketServer } from '../ipc/private-socket-server.js';
import { ReadWindow } from '../ipc/read-window.js';
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
  /** How long a connection may stay silent before its first byte (tests shorten it). */
  readonly firstRequestTimeoutMs?: number;
}

/** Requests one connection may have served at once; one more is answered CORE_CONTROL_BUSY. */
export const MAX_CONTROL_IN_FLIGHT = 16;

/**
 * A connection that has sent nothing this long after it was accepted is dropped. Every client
 * of ours writes its request as soon as it connects, so only a peer that cannot write waits
 * here: on Windows, where the control socket is a named pipe, any user may open it for reading
 * (D179). Long enough that a host whose event loop was blocked (timers run before reads in an
 * iteration) does not drop a request that is already waiting.
 */
export const FIRST_REQUEST_TIMEOUT_MS = 30_000;

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
    let peerEnded = false;
    // Security: a peer that never writes (a read-only opener of the Windows pipe) is not held
    // for ever; any byte, even of an invalid line, shows it can write and ends the wait.
    const silent = setTimeout(() => socket.destroy(), this.options.firstRequestTimeoutMs ?? FIRST_REQUEST_TIMEOUT_MS);
    silent.unref();
    socket.once('data', () => clearTimeout(silent));
    // Stryker disable next-line StringLiteral,ArrowFunction: without it the unref'd timer of a closed connection fires later and destroys a socket already destroyed (a no-op); only memory held until then tells them apart.
    socket.once('close', () => clearTimeout(silent));
    // Security: no request is read while answers wait for the client to read them, and at most
    // MAX_CONTROL_IN_FLIGHT are served at once (ReadWindow, D168).
    const window = new ReadWindow<unknown>(socket, {
      maxInFlight: MAX_CONTROL_IN_FLIGHT,
      counts: () => true,
      deliver: (value) => this.receive(socket, value, settle),
      refuse: (value) => {
        const id = answerableId(value);
        if (id !== undefined) send(socket, { id, ok: false, error: { code: 'CORE_CONTROL_BUSY', message: `${MAX_CONTROL_IN_FLIGHT} requests are being served on this connection; wait for their answers, then retry` } });
      },
    });
    const settle = (): void => {
      window.settle();
      if (peerEnded && window.serving === 0) socket.end();
    };
    readJsonLines(socket, {
      maxLineBytes: MAX_CONTROL_LINE,
      onInvalid: (reason) => this.options.onInvalidFrame?.(reason),
      onValue: (value) => window.push(value),
    });
    window.start();
    // Registered after the framer's own 'end' listener, which delivers a last line sent
    // without a newline: that request must count as in flight before we decide to end.
    socket.on('end', () => {
      peerEnded = true;
      if (window.serving === 0) socket.end();
    });
  }

  /** Serve one line's value; `settle` runs once it is answered (or refused). */
  private receive(socket: net.Socket, value: unknown, settle: () => void): void {
    const parsed = ControlRequestSchema.safeParse(value);
    if (!parsed.success) {
      this.options.onInvalidFrame?.('invalid-request');
      const id = answerableId(value);
      // Answer only when the sender can match the answer to its request.
      if (id !== undefined) {
        const { path: field, message } = firstIssue(parsed.error);
        const text = `invalid control request: ${field || '(root)'}: ${message}; use a keybroker CLI of the same version as the host`;
        send(socket, { id, ok: false, error: { code: 'CORE_CONTROL_INVALID_REQUEST', message: text.replace(/[\r\n]+/g, ' ') } });
      }
      return settle();
    }
    void this.serve(parsed.data).then((response) => {
      send(socket, response);
      settle();
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
        // Stryker disable next-line OptionalChaining: without a callback the TypeError is caught by the same try, whose answer is the same CORE_INTERNAL.
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

/** The id of a request line the sender can match an answer to, if it has one. */
function answerableId(value: unknown): number | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

function send(socket: net.Socket, response: ControlResponse): void {
  // Stryker disable next-line LogicalOperator: a socket not destroyed but no longer writable (ended) fails the write into its own error listener (PrivateSocketServer); the answer is lost either way.
  if (socket.destroyed || !socket.writable) return;
  socket.write(JSON.stringify(response) + '\n');
}
