import type { Readable, Writable } from 'node:stream';
import { MAX_CHANNEL_JSON_VALUES, MAX_CHANNEL_LINE_BYTES, MAX_CHANNEL_SEND_BACKLOG_BYTES } from '../../base/contracts/child-channel.js';
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COMMA, CR, isDigitByte, isMinusZeroAt, LF, LOWER_E, MAX_PLAIN_DIGIT_RUN, MINUS, NINE, OPEN_BRACE, OPEN_BRACKET, QUOTE, UPPER_E, ZERO } from '../../base/framing/json-number-bytes.js';
import { LineFramer } from '../../base/framing/line-framer.js';
import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';

/**
 * Why the host closed a child's channel: a frame line over MAX_CHANNEL_LINE_BYTES (or one
 * that never ends), a line that is not JSON (our runtime never writes one), or a child that
 * stopped reading what the host sends.
 */
export type ChannelViolation = 'oversized' | 'too-complex' | 'invalid-json' | 'backlog' | 'invalid-frames';

/** One line for the audit and the log. */
export function describeViolation(v: ChannelViolation): string {
  switch (v) {
    case 'oversized': return `a frame longer than ${MAX_CHANNEL_LINE_BYTES} bytes (or one without an end)`;
    case 'too-complex': return `a frame of more than ${MAX_CHANNEL_JSON_VALUES} JSON values`;
    case 'invalid-json': return 'a frame that is not JSON';
    case 'backlog': return `more than ${MAX_CHANNEL_SEND_BACKLOG_BYTES} bytes of host frames left unread`;
    case 'invalid-frames': return `more than ${MAX_INVALID_FRAMES_PER_CHILD} frames the host had to refuse`;
  }
}

/** What one pass over a channel line found (issue 17 item 3: the gateway reuses it). */
export interface JsonLineScan {
  /** An upper bound of the JSON values the line parses into, as countJsonValues. */
  readonly values: number;
  /**
   * Where the first value nested two deep ends: the index of the first `}` or `]` that brings
   * the depth from 3 back to 2 (`result` in `{"ch":"mcp","msg":{"result":{...},...}}`), or -1.
   */
  readonly firstCloseToDepth2: number;
  /**
   * No CR or LF between tokens, no number with an exponent, no minus zero, no run of more than
   * MAX_PLAIN_DIGIT_RUN digits: nothing a parse and JSON.stringify would write differently.
   */
  readonly plain: boolean;
}

/**
 * One pass over `line` (JSON text, as read) outside its strings: counts `{`, `[` and `,` plus
 * one (an upper bound of the values it parses into; stops once past `limit`, and then says
 * nothing more), and notes what the gateway needs to forward a result's bytes as they are.
 */
export function scanJsonLine(line: Uint8Array, limit: number): JsonLineScan {
  let n = 1;
  let depth = 0;
  let close2 = -1;
  let plain = true;
  let run = 0;
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which counts nothing.
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === QUOTE) {
      // A string: on to its closing quote; the byte after a backslash never ends it.
      // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which is no quote and ends the loop the same way.
      for (i++; i < line.length && line[i] !== QUOTE; i++) if (line[i] === BACKSLASH) i++;
      run = 0;
      continue;
    }
    if (c >= ZERO && c <= NINE) {
      if (++run > MAX_PLAIN_DIGIT_RUN) plain = false;
      continue;
    }
    run = 0;
    if (c === OPEN_BRACE || c === OPEN_BRACKET || c === COMMA) {
      if (++n > limit) return { values: n, firstCloseToDepth2: -1, plain: false };
      if (c !== COMMA) depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 2 && close2 === -1) close2 = i;
    } else if (c === CR || c === LF) plain = false;
    else if ((c === LOWER_E || c === UPPER_E) && isDigitByte(line[i - 1])) plain = false;
    else if (c === MINUS && line[i + 1] === ZERO && isMinusZeroAt(line, i)) plain = false;
  }
  return { values: n, firstCloseToDepth2: close2, plain };
}

/**
 * An upper bound of the JSON values `line` would parse into (`{`, `[` and `,` outside
 * strings, plus one), counted without parsing; stops counting once past `limit`.
 */
export function countJsonValues(line: Uint8Array, limit: number): number {
  return scanJsonLine(line, limit).values;
}

/**
 * Frames a child may send that the host refuses (unknown channel, not a valid broker or MCP
 * frame), each audited as `frame.invalid`, before the host treats it as compromised. Our
 * runtime sends none; the limit keeps one child from flooding the audit log.
 */
export const MAX_INVALID_FRAMES_PER_CHILD = 64;

/** The line each frame object was read from (issue 17: no re-encoding to measure or forward it). */
const frameLines = new WeakMap<object, Uint8Array>();

/**
 * The channel line (its bytes, newline and CR removed) `frame` was parsed from, if `frame` is
 * the very object readChildFrames delivered for it; undefined otherwise. The line passed the
 * channel's limits and parsed as JSON into `frame`.
 */
export function frameLine(frame: unknown): Uint8Array | undefined {
  // A WeakMap answers undefined for any value that is not an object it holds (primitives too).
  return frameLines.get(frame as object);
}

/** The scan of each long line (issue 17: the gateway reuses it instead of scanning the line again). */
const lineScans = new WeakMap<Uint8Array, JsonLineScan>();

/**
 * What the channel's scan found in `line`, if `line` is a line readChildFrames delivered and
 * long enough to be scanned while reading (2 × MAX_CHANNEL_JSON_VALUES bytes and more);
 * undefined otherwise.
 */
export function lineScan(line: Uint8Array): JsonLineScan | undefined {
  return lineScans.get(line);
}

/**
 * The length in bytes of the channel line `frame` was parsed from, if `frame` is an object
 * that readChildFrames delivered; undefined otherwise (then measure it another way).
 */
export function frameLineBytes(frame: unknown): number | undefined {
  return frameLine(frame)?.length;
}

/**
 * frameLine, and forget it: the line is the frame's receiver's from here on. A WeakMap keeps
 * its values through every young-generation GC while the key lives, so a line left in it
 * would be kept (and promoted) as long as its frame, not as long as whoever uses it.
 */
export function takeFrameLine(frame: unknown): Uint8Array | undefined {
  const line = frameLines.get(frame as object);
  frameLines.delete(frame as object);
  return line;
}

/** What the reading end reports. */
export interface ChildFrameSink {
  onFrame(frame: unknown): void;
  /** Fires at most once; nothing more is read or delivered after it. */
  onViolation(v: ChannelViolation): void;
}

/**
 * Read a child's frames from `input` (Security: the size limit is enforced while reading,
 * STYLE.md §3). The first violation stops reading, destroys the stream and is reported once;
 * killing the child is the caller's job. Frames of one chunk are delivered synchronously,
 * in order (the gateway spaces them a microtask apart itself).
 */
export function readChildFrames(input: Readable, sink: ChildFrameSink): Disposable {
  let closed = false;
  const violate = (v: ChannelViolation) => {
    if (closed) return;
    closed = true;
    input.off('data', onData);
    input.destroy();
    sink.onViolation(v);
  };
  const framer = new LineFramer({
    maxLineBytes: MAX_CHANNEL_LINE_BYTES,
    // Every value passed acceptLine just before, which refuses all lines once closed.
    onValue: (value, line) => {
      if (value !== null && typeof value === 'object') frameLines.set(value, line);
      sink.onFrame(value);
    },
    onInvalid: (reason) => violate(reason === 'too-long' ? 'oversized' : 'invalid-json'),
    // Each value takes at least two bytes (`,0`), so only long lines can hold too many.
    acceptLine: (line) => {
      // Security: the one gate between a closed channel and the sink; every line meets it, the last one at `end` too.
      if (closed) return false;
      if (line.length < 2 * MAX_CHANNEL_JSON_VALUES) return true;
      const scan = scanJsonLine(line, MAX_CHANNEL_JSON_VALUES);
      if (scan.values <= MAX_CHANNEL_JSON_VALUES) {
        lineScans.set(line, scan);
        return true;
      }
      violate('too-complex');
      return false;
    },
  });
  const onData = (chunk: Buffer) => framer.push(chunk);
  // After close the last line still meets acceptLine, which refuses it.
  const onEnd = () => framer.end();
  // A read error only means the child is gone; its exit is reported by the launcher.
  const onError = () => undefined;
  input.on('data', onData);
  input.on('end', onEnd);
  input.on('error', onError);
  return toDisposable(() => {
    closed = true;
    input.off('data', onData);
    input.off('end', onEnd);
  });
}

/**
 * Write one frame as a JSON line. Returns 'backlog' when the child has left more than
 * MAX_CHANNEL_SEND_BACKLOG_BYTES unread (the caller then treats it as a violation), else
 * undefined. A frame that cannot be serialised is a host bug: dropped, never half-written.
 */
export function writeChildFrame(output: Writable, frame: unknown): ChannelViolation | undefined {
  if (output.destroyed || !output.writable) return undefined;
  let line: string;
  try {
    line = `${JSON.stringify(frame)}\n`;
  } catch {
    return undefined;
  }
  output.write(line);
  return output.writableLength > MAX_CHANNEL_SEND_BACKLOG_BYTES ? 'backlog' : undefined;
}
