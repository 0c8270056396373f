/** What a drain wait listens to: a socket, an HTTP response, any writable stream. */
export interface Drainable {
  on(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/**
 * One wait for a stream's full buffer to drain or the stream to close, shared by every send
 * waiting on it at once (E3-tidy). The gateway socket's transport had one such shared wait, the
 * HTTP door's SSE backpressure (D261) one `drain`/`close` listener pair per waiting send: 16 sends
 * waiting on one response were 16 pairs, and Node warns past 10. Here the listeners are one pair
 * per stream however many wait, and none once the wait ends.
 */
export class DrainWait {
  private pending: { readonly done: Promise<void>; readonly end: () => void } | undefined;

  constructor(private readonly stream: Drainable) {}

  /** True while a wait is armed (its listener pair is on the stream). */
  get waiting(): boolean {
    return this.pending !== undefined;
  }

  /** Resolves on the stream's next `drain` or its `close`, or on `release()`. */
  wait(): Promise<void> {
    if (this.pending) return this.pending.done;
    let end!: () => void;
    const done = new Promise<void>((resolve) => {
      end = () => {
        this.stream.off('drain', end);
        this.stream.off('close', end);
        this.pending = undefined;
        resolve();
      };
    });
    this.stream.on('drain', end);
    this.stream.on('close', end);
    this.pending = { done, end };
    return done;
  }

  /** End the wait now (its owner closed): every send waiting goes on. */
  release(): void {
    this.pending?.end();
  }
}
