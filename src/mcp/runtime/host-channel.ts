import { toDisposable, type Disposable } from '../../core/common/lifecycle/disposable.js';

/**
 * The child's end of the message channel to the host (DESIGN.md "Processes"): Node fork
 * IPC (`process.send`) or Electron's utilityProcess `process.parentPort`. Carries both
 * `{ch:'mcp'}` and `{ch:'broker'}` frames.
 */
export interface HostChannel {
  send(frame: unknown): void;
  onMessage(listener: (message: unknown) => void): Disposable;
  /** Fires once when the host goes away; a child should then exit. */
  onClose(listener: () => void): Disposable;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  off(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/** The channel this process was started with, or undefined when it runs standalone (stdio). */
export function processHostChannel(): HostChannel | undefined {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (frame) => parentPort.postMessage(frame),
      onMessage(listener) {
        const l = (e: { data: unknown }) => listener(e.data);
        parentPort.on('message', l);
        return toDisposable(() => parentPort.off('message', l));
      },
      // utilityProcess children are killed with their parent; nothing to watch.
      onClose: () => toDisposable(() => undefined),
    };
  }
  if (typeof process.send !== 'function') return undefined;
  return {
    send: (frame) => void process.send?.(frame),
    onMessage(listener) {
      process.on('message', listener);
      return toDisposable(() => process.off('message', listener));
    },
    onClose(listener) {
      process.once('disconnect', listener);
      return toDisposable(() => process.off('disconnect', listener));
    },
  };
}
