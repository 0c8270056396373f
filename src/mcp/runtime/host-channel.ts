import net from 'node:net';
import { CHILD_CHANNEL_ENV, CHILD_CHANNEL_FD, MAX_CHANNEL_LINE_BYTES } from '../../base/contracts/child-channel.js';
import { Emitter } from '../../base/events/emitter.js';
import { LineFramer } from '../../base/framing/line-framer.js';
import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';

/**
 * The child's end of the message channel to the host (DESIGN.md "Processes"): newline-
 * delimited JSON frames, read with the same bounded framer the host uses. Carries both
 * `{ch:'mcp'}` and `{ch:'broker'}` frames. Never Node's built-in IPC.
 */
export interface HostChannel {
  send(frame: unknown): void;
  onMessage(listener: (message: unknown) => void): Disposable;
  /** Fires once when the host goes away; a child should then exit. */
  onClose(listener: () => void): Disposable;
}

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  off(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/** True when this process was started by a KeyBroker host (it then must not run standalone). */
export function startedByHost(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CHILD_CHANNEL_ENV] !== undefined;
}

const line = (frame: unknown): string => `${JSON.stringify(frame)}\n`;

/** Node children: a duplex pipe on fd 3, frames both ways. */
function fdChannel(): HostChannel {
  const socket = new net.Socket({ fd: CHILD_CHANNEL_FD, readable: true, writable: true });
  const messages = new Emitter<unknown>();
  const closed = new Emitter<void>();
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    closed.fire();
  };
  // The host is trusted, but a frame we cannot read is dropped rather than crashing the server.
  const framer = new LineFramer({ maxLineBytes: MAX_CHANNEL_LINE_BYTES, onValue: (v) => messages.fire(v), onInvalid: () => undefined });
  socket.on('data', (chunk: Buffer) => framer.push(chunk));
  socket.on('end', close);
  socket.on('close', close);
  socket.on('error', close); // EPIPE: the host is gone.
  return {
    send: (frame) => {
      if (open) socket.write(line(frame));
    },
    onMessage: (listener) => messages.event(listener),
    onClose: (listener) => (open ? closed.event(listener) : (queueMicrotask(listener), toDisposable(() => undefined))),
  };
}

/**
 * Electron utility processes accept no extra fd: frames to the host go to stdout as JSON
 * lines (the host reads them with the bounded framer), frames from the host arrive as
 * `parentPort` messages. Everything else this process prints must go to stderr.
 */
function stdoutChannel(parentPort: ParentPort): HostChannel {
  // Security/robustness: a stray console.log would corrupt the channel and get us killed.
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  return {
    send: (frame) => void process.stdout.write(line(frame)),
    onMessage(listener) {
      const l = (e: { data: unknown }) => listener(e.data);
      parentPort.on('message', l);
      return toDisposable(() => parentPort.off('message', l));
    },
    // utilityProcess children are killed with their parent; nothing to watch.
    onClose: () => toDisposable(() => undefined),
  };
}

/** The channel this process was started with, or undefined when it runs standalone (stdio). */
export function processHostChannel(env: NodeJS.ProcessEnv = process.env): HostChannel | undefined {
  const kind = env[CHILD_CHANNEL_ENV];
  if (kind === 'fd3') return fdChannel();
  if (kind === 'stdout') {
    const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
    if (parentPort) return stdoutChannel(parentPort);
  }
  return undefined;
}
