import type { Duplex } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MAX_MCP_LINE_BYTES } from '../../base/contracts/gateway-handshake.js';
import { LineFramer, type InvalidLineReason } from '../ipc/line-framer.js';
import { DrainWait } from '../ipc/drain-wait.js';
import { ReadWindow } from '../ipc/read-window.js';
import { encodeJsonRpcLine } from './json-rpc-line.js';
import { isPlainJsonRpcMessage } from './plain-json-rpc.js';
import { cancelledRequestId, requestIdKey } from './unique-request-ids.js';

/** Child result bytes shorter than this are copied into one buffer with the envelope (one write); longer ones go corked, uncopied. */
// Stryker disable next-line ArithmeticOperator: copied or corked, the same bytes go out in the same order; only the write calls differ.
const SPLICE_COPY_BELOW_BYTES = 64 * 1024;

/**
 * A child's result is written as its own bytes from a line of this size on (issue 17 item 3):
 * below it, encoding the object costs less than scanning and splicing (bench:gateway's echo).
 */
export const SPLICE_FROM_BYTES = 64 * 1024;

/**
 * Requests a peer may have served at once on one connection; one more is answered at once
 * with REQUESTS_IN_FLIGHT_ERROR (ReadWindow). Far above what a client runs in parallel.
 */
export const MAX_REQUESTS_IN_FLIGHT = 64;

/** The JSON-RPC error code of a request refused because MAX_REQUESTS_IN_FLIGHT are served. */
export const REQUESTS_IN_FLIGHT_ERROR = -32000;

/**
 * Why a line was dropped: too long, not JSON, JSON that is not a JSON-RPC message, or a
 * request whose id a request still being served already has (JSON-RPC forbids it, and the
 * in-flight count could not be kept for it).
 */
export type JsonLineInvalidReason = InvalidLineReason | 'invalid-message' | 'duplicate-id';

/** Options of a JsonLineTransport. */
export interface JsonLineTransportOptions {
  /** Longest accepted line; default MAX_MCP_LINE_BYTES. */
  readonly maxLineBytes?: number;
  /** Bytes already read from the socket (what followed a handshake line in the same chunk). */
  readonly initialChunk?: Uint8Array;
  /**
   * A JSON value written as the first line when the transport starts, before any message.
   * The gateway socket sends its welcome this way, so `ok:true` goes out exactly when a
   * session is being served on the connection.
   */
  readonly greeting?: unknown;
  /** A line was dropped; the connection goes on with the next one. Never carries the line. */
  readonly onInvalidLine?: (reason: JsonLineInvalidReason) => void;
  /** Write a child's result as its own bytes from a channel line of this many bytes on; default SPLICE_FROM_BYTES. */
  readonly spliceFromBytes?: number;
  /** Requests of the peer served at once; default MAX_REQUESTS_IN_FLIGHT. */
  readonly maxInFlight?: number;
  /**
   * Serve the peer through a ReadWindow: the serving end (the host) does, by default. A
   * client's end (`connectGateway`) passes false: two ends that both stop reading while their
   * own answers wait could wait for each other.
   */
  readonly windowed?: boolean;
}

/**
 * An MCP SDK `Transport` over a connected stream socket, framed as newline-delimited JSON-RPC
 * exactly like MCP stdio. Used on the gateway socket by the host (one per client connection)
 * and by in-process clients (`keybroker call`, tests, benchmarks).
 *
 * Security: reading goes through a LineFramer, so memory stays bounded by `maxLineBytes`
 * whatever the peer sends; over-long, non-JSON and non-JSON-RPC lines are dropped and
 * reported, and a callback that throws never takes the host down. Nothing is read while
 * answers wait for the peer to read them, and at most `maxInFlight` of the peer's requests
 * are served at once (ReadWindow): a peer that never reads cannot make the host buffer answers.
 */
export class JsonLineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly framer: LineFramer;
  private readonly window: ReadWindow<JSONRPCMessage> | undefined;
  /** Ids of the peer's requests handed on and not yet answered (or cancelled). */
  private readonly serving = new Set<string>();
  private started = false;
  private closed = false;
  private closeNotified = false;
  /** One shared wait per full buffer, released by 'drain' or by the end of the connection. */
  private readonly drain: DrainWait;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly socket: Duplex,
    private readonly options: JsonLineTransportOptions = {},
  ) {
    this.drain = new DrainWait(socket);
    this.framer = new LineFramer({
      maxLineBytes: options.maxLineBytes ?? MAX_MCP_LINE_BYTES,
      onValue: (value) => this.deliver(value),
      onInvalid: (reason) => this.invalid(reason),
    });
    this.window = options.windowed === false ? undefined : new ReadWindow<JSONRPCMessage>(socket, {
      maxInFlight: options.maxInFlight ?? MAX_REQUESTS_IN_FLIGHT,
      counts: (m) => 'method' in m && 'id' in m,
      deliver: (m) => this.dispatch(m),
      refuse: (m) => this.refuse(m),
    });
    // Listen for the end of the connection from the start, so a peer that goes away before
    // the session starts is still noticed.
    socket.once('close', () => {
      this.closed = true;
      this.notifyClose();
    });
    socket.on('error', (e) => this.report(e));
  }

  /** Bytes of an unfinished line held right now; never more than `maxLineBytes`. */
  get bufferedBytes(): number {
    return this.framer.bufferedBytes;
  }

  /** True while the connection is not read because the peer's requests fill the window (tests). */
  get holding(): boolean {
    return this.window?.holding ?? false;
  }

  /** True once `start()` ran (the session owns the connection). */
  get isStarted(): boolean {
    return this.started;
  }

  /** Write the greeting, then deliver the bytes already read and everything that follows. */
  async start(): Promise<void> {
    if (this.started) throw new Error('JsonLineTransport already started; Server/Client.connect starts it, do not call start() yourself');
    this.started = true;
    if (this.closed) {
      queueMicrotask(() => this.notifyClose());
      return;
    }
    if (this.options.greeting !== undefined) this.socket.write(JSON.stringify(this.options.greeting) + '\n');
    this.socket.on('data', (chunk: Buffer) => this.framer.push(chunk));
    this.socket.on('end', () => this.framer.end());
    // After start() returns: connect() installs its handlers first, and the early bytes keep
    // their place in front of anything the socket delivers later.
    process.nextTick(() => {
      if (this.options.initialChunk?.length) this.framer.push(this.options.initialChunk);
      if (this.window) this.window.start();
      else this.socket.resume();
    });
  }

  /**
   * Write one message as one line (encodeJsonRpcLine: responses id-first, a child's result as
   * its own bytes where that is provably the same value); waits while the socket's buffer is full.
   */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.socket.destroyed) throw new Error('the gateway connection is closed; reconnect to continue');
    // An answer to one of the peer's requests frees its place in the window (after the write, below).
    const answered = this.window !== undefined && !('method' in message) && 'id' in message && message.id !== undefined && this.serving.delete(requestIdKey(message.id));
    const line = encodeJsonRpcLine(message, this.options.spliceFromBytes ?? SPLICE_FROM_BYTES);
    let ok: boolean;
    if (typeof line === 'string') ok = this.socket.write(line);
    else if (
      // Inside the parentheses: Stryker reads a directive only as a comment leading a node, which one before `else` is not.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: either branch writes the same bytes in the same order; only the copy and the write calls differ.
      line[1].length < SPLICE_COPY_BELOW_BYTES
    ) {
      // A small result: one buffer and one plain write cost less than three corked ones.
      ok = this.socket.write(Buffer.concat([Buffer.from(line[0]), line[1], Buffer.from(line[2])]));
    } else {
      // Head, the child's bytes and the tail in one write call, without copying the bytes.
      this.socket.cork();
      this.socket.write(line[0]);
      this.socket.write(line[1]);
      ok = this.socket.write(line[2]);
      this.socket.uncork();
    }
    // Stryker disable next-line OptionalChaining: `answered` is true only with a window.
    if (answered) this.window?.settle();
    if (!ok) await this.drain.wait();
  }

  /** Flush what was written, close the connection, and resolve once it is closed. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.closed) return resolve();
      this.socket.once('close', () => resolve());
      // Destroy after the flush: a peer that never closes its side must not keep the socket.
      this.socket.end(() => this.socket.destroy());
    });
    return this.closing;
  }

  private deliver(value: unknown): void {
    // Security: every line is a JSON-RPC message by JSONRPCMessageSchema; the common message
    // takes a fast path that accepts only what the schema accepts unchanged (issue 17).
    let message: JSONRPCMessage;
    if (isPlainJsonRpcMessage(value)) message = value;
    else {
      const parsed = JSONRPCMessageSchema.safeParse(value);
      if (!parsed.success) return this.invalid('invalid-message');
      message = parsed.data;
    }
    if (!this.window) return this.dispatch(message);
    if ('method' in message && 'id' in message) {
      // Security: JSON-RPC ids are unique among a peer's open requests; a repeated one would
      // let a peer keep more requests open than the window counts.
      const key = requestIdKey(message.id);
      if (this.serving.has(key)) return this.invalid('duplicate-id');
      this.serving.add(key);
    }
    this.window.push(message);
  }

  /** Answer a request the window has no room for, without the session seeing it. */
  private refuse(message: JSONRPCMessage): void {
    // Stryker disable next-line LogicalOperator: only counted messages reach it, and a counted message has an id that JSON gave a value.
    if (!('id' in message) || message.id === undefined) return;
    this.serving.delete(requestIdKey(message.id));
    const max = this.options.maxInFlight ?? MAX_REQUESTS_IN_FLIGHT;
    const error = { code: REQUESTS_IN_FLIGHT_ERROR, message: `too many requests at once (${max} are being served); wait for their answers, then retry` };
    this.send({ jsonrpc: '2.0', id: message.id, error }).catch((e: unknown) => this.report(e));
  }

  /** Hand one message to the session, in order, once the window lets it through. */
  private dispatch(message: JSONRPCMessage): void {
    try {
      this.onmessage?.(message);
    } catch (e) {
      this.report(e);
    }
    // A cancelled request is never answered (the SDK drops its result): its place is free now.
    // Only one the SDK really cancels: it ignores a cancel of id 0 or "" (C6-redteam).
    const cancelled = cancelledRequestId(message);
    // Stryker disable next-line OptionalChaining: without a window nothing is served, so the delete is never true.
    if (cancelled !== undefined && this.serving.delete(requestIdKey(cancelled))) this.window?.settle();
  }

  private invalid(reason: JsonLineInvalidReason): void {
    try {
      this.options.onInvalidLine?.(reason);
    } catch (e) {
      this.report(e);
    }
  }

  private report(e: unknown): void {
    this.onerror?.(e instanceof Error ? e : new Error(String(e)));
  }

  private notifyClose(): void {
    if (this.closeNotified || !this.onclose) return;
    this.closeNotified = true;
    this.onclose();
  }
}
