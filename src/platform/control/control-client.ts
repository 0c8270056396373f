import net from 'node:net';
import type { z } from 'zod';
import type * as ControlProtocol from '../../base/contracts/control-protocol.js';
import type { ControlOp, ControlRequest, ControlResult } from '../../base/contracts/control-protocol.js';
import { firstIssue } from '../../base/contracts/format-issue.js';
import { HostNotRunningError } from '../../base/errors/host-not-running-error.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { sanitizeText } from '../../base/sanitize-text.js';
import { LineFramer } from '../ipc/line-framer.js';
import { isNobodyListening } from '../ipc/connect-local-socket.js';
import { hostLockHolder } from './host-lock-holder.js';
import { ControlProtocolError, ControlRemoteError, ControlTimeoutError } from './control-errors.js';
import { controlSocketPath } from './control-socket-path.js';

/** The fields of a request besides `id` and `op`, as the caller writes them (defaults optional). */
export type ControlArgs<Op extends ControlOp> = Omit<Extract<z.input<typeof ControlRequest>, { op: Op }>, 'id' | 'op'>;

/** Per-call options. */
export interface ControlCallOptions {
  /** Overrides the op's default timeout. */
  readonly timeoutMs?: number;
}

type CallParams<Op extends ControlOp> =
  Partial<ControlArgs<Op>> extends ControlArgs<Op>
    ? [args?: ControlArgs<Op>, options?: ControlCallOptions]
    : [args: ControlArgs<Op>, options?: ControlCallOptions];

/** How long a call may take before the CLI gives up. */
export const DEFAULT_CONTROL_TIMEOUT_MS = 10_000;
/**
 * Ops the host answers without network work: deciding an approval. A stuck host shows up
 * quickly there. `lock` is not one of them: it answers after the upstream logouts, which the
 * host bounds at 5 s (LOGOUT_WAIT_MS), so it gets the default timeout.
 */
export const FAST_CONTROL_TIMEOUT_MS = 3_000;
const FAST_OPS: ReadonlySet<ControlOp> = new Set(['approvals.decide']);
/** Answers can be larger than requests (status of many endpoints); still bounded. */
const MAX_RESPONSE_LINE = 8 * 1024 * 1024;

/** Options of `ControlClient.connect`. */
export interface ControlClientOptions {
  /** Environment for locating the socket (XDG_RUNTIME_DIR); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Connect here instead of the home's control socket. */
  readonly socketPath?: string;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  readonly op: ControlOp;
  readonly timer: NodeJS.Timeout;
}

/** The control protocol's schemas: base/contracts/control-protocol.ts, imported once a host answers. */
type Protocol = typeof ControlProtocol;

/**
 * The control protocol's module, imported on first connection rather than with this module:
 * building its zod schemas (every request, every op's result) costs `keybroker status` with
 * no host running ~5 ms for nothing (issue 17 item 6, docs/PERFORMANCE.md §1). Every request
 * and every answer is still validated: no client exists before the schemas are loaded.
 */
function loadProtocol(): Promise<Protocol> {
  return import('../../base/contracts/control-protocol.js');
}

/** The CLI end of the control socket: one connection, any number of typed calls. */
export class ControlClient implements Disposable {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private broken: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly protocol: Protocol,
  ) {
    const framer = new LineFramer({
      maxLineBytes: MAX_RESPONSE_LINE,
      onValue: (value) => this.onResponse(value),
      onInvalid: () => this.fail(new ControlProtocolError('KeyBroker sent an unreadable answer; make sure the CLI and the host are the same version')),
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('end', () => framer.end());
    socket.on('error', (e) => this.fail(new ControlProtocolError(`the control connection failed (${(e as NodeJS.ErrnoException).code ?? 'error'}); check that KeyBroker is still running`, { cause: e })));
    socket.on('close', () => this.fail(new ControlProtocolError('KeyBroker closed the control connection; check the host log')));
  }

  /** Connect to the host of `home`; throws HostNotRunningError when nothing listens. */
  static connect(home: string, options: ControlClientOptions = {}): Promise<ControlClient> {
    const socketPath = options.socketPath ?? controlSocketPath(home, options.env);
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      socket.once('connect', () => {
        // The 'error' listener below stays until the client has its own: the socket stays
        // paused (no 'data' listener yet) while the schemas load, so nothing is missed.
        loadProtocol().then(
          (protocol) => {
            if (socket.destroyed) return; // it failed meanwhile: rejected below
            socket.removeAllListeners('error');
            resolve(new ControlClient(socket, protocol));
          },
          (e: unknown) => {
            socket.destroy();
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        socket.destroy();
        if (isNobodyListening(e.code)) {
          const holder = hostLockHolder(home, socketPath);
          reject(new HostNotRunningError({ cause: e, ...(holder && { holder }) }));
        }
        else reject(new ControlProtocolError(`cannot connect to ${socketPath} (${e.code ?? e.message}); check the owner and mode of that file`, { cause: e }));
      });
    });
  }

  /**
   * Send one request and wait for its answer, validated against the op's result contract.
   * `args` may be left out for ops without required fields (`status`, `lock`).
   */
  call<Op extends ControlOp>(op: Op, ...[args, options = {}]: CallParams<Op>): Promise<ControlResult<Op>> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    // Validate our own request too, so a bad argument fails here with its field name.
    const { ControlRequest, POLICY_TEST_TIMEOUT_MS } = this.protocol;
    const req = ControlRequest.safeParse({ ...args, id, op });
    if (!req.success) {
      const { path, message } = firstIssue(req.error);
      return Promise.reject(new ControlProtocolError(`invalid ${op} request: ${path || '(root)'}: ${message}`));
    }
    const timeoutMs = options.timeoutMs ?? (FAST_OPS.has(op) ? FAST_CONTROL_TIMEOUT_MS : op === 'policy.test' ? POLICY_TEST_TIMEOUT_MS + 5_000 : DEFAULT_CONTROL_TIMEOUT_MS);
    return new Promise<ControlResult<Op>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ControlTimeoutError(op, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op, timer });
      this.socket.write(JSON.stringify(req.data) + '\n');
    });
  }

  /** Close the connection; calls still waiting fail with ControlProtocolError. */
  close(): void {
    this.fail(new ControlProtocolError('the control client was closed'));
    this.socket.destroy();
  }

  /** Same as `close()`. */
  dispose(): void {
    this.close();
  }

  private onResponse(value: unknown): void {
    const { ControlResponse, ControlResults } = this.protocol;
    const res = ControlResponse.safeParse(value);
    const waiter = res.success ? this.pending.get(res.data.id) : undefined;
    if (!res.success || !waiter) {
      this.fail(new ControlProtocolError('KeyBroker answered something unexpected; make sure the CLI and the host are the same version'));
      return;
    }
    this.pending.delete(res.data.id);
    clearTimeout(waiter.timer);
    if (!res.data.ok) {
      waiter.reject(new ControlRemoteError(res.data.error.code, oneLine(res.data.error.message)));
      return;
    }
    const result = ControlResults[waiter.op].safeParse(res.data.result);
    if (result.success) waiter.resolve(result.data);
    else waiter.reject(new ControlProtocolError(`KeyBroker's answer to ${waiter.op} breaks the contract at ${firstIssue(result.error).path || '(root)'}; make sure the CLI and the host are the same version`));
  }

  /** Fail every waiting call once; later calls fail with the same error. */
  private fail(error: Error): void {
    this.broken ??= error;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(error);
    }
  }
}

/** Security: the host's message is printed on a terminal; keep it to one line without escapes. */
function oneLine(text: string): string {
  return sanitizeText(text, { maxChars: 1024 });
}
