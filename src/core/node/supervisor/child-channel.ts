import type { Readable, Writable } from 'node:stream';
import { MAX_CHANNEL_LINE_BYTES, MAX_CHANNEL_SEND_BACKLOG_BYTES } from '../../common/contracts/child-channel.js';
import { LineFramer } from '../../common/framing/line-framer.js';
import { toDisposable, type Disposable } from '../../common/lifecycle/disposable.js';

/**
 * Why the host closed a child's channel: a frame line over MAX_CHANNEL_LINE_BYTES (or one
 * that never ends), a line that is not JSON (our runtime never writes one), or a child that
 * stopped reading what the host sends.
 */
export type ChannelViolation = 'oversized' | 'invalid-json' | 'backlog';

/** One line for the audit and the log. */
export function describeViolation(v: ChannelViolation): string {
  switch (v) {
    case 'oversized': return `a frame longer than ${MAX_CHANNEL_LINE_BYTES} bytes (or one without an end)`;
    case 'invalid-json': return 'a frame that is not JSON';
    case 'backlog': return `more than ${MAX_CHANNEL_SEND_BACKLOG_BYTES} bytes of host frames left unread`;
  }
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
    onValue: (value) => {
      if (!closed) sink.onFrame(value);
    },
    onInvalid: (reason) => violate(reason === 'too-long' ? 'oversized' : 'invalid-json'),
  });
  const onData = (chunk: Buffer) => framer.push(chunk);
  const onEnd = () => {
    if (!closed) framer.end();
  };
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
