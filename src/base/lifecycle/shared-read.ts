/**
 * One read several callers wait on, each with its own cancellation (W7-vcancel): a caller
 * whose signal aborts stops waiting at once (its promise rejects with the signal's reason),
 * and the read goes on for the others. Only when every caller has gone is the read itself
 * aborted (the signal `read` got), so nobody's cancelled read keeps loading vCenter. A
 * caller without a signal never goes. Once abandoned, a read takes no new callers: make a
 * new one ({@link abandoned}). Used by the kept vSphere inventory's update (D178), a child's
 * token request (TokenClient) and the broker's unlock prompt (Consent), D186.
 */
export class SharedRead<T> {
  /** Settles with the read; its rejection is handled, so nobody waiting is no unhandled rejection. */
  readonly done: Promise<T>;
  private readonly abort = new AbortController();
  private waiting = 0;

  constructor(read: (signal: AbortSignal) => Promise<T>) {
    this.done = read(this.abort.signal);
    this.done.catch(() => undefined);
  }

  /** True when every caller went before the read ended: it was (or is being) aborted. */
  get abandoned(): boolean {
    return this.abort.signal.aborted;
  }

  /** Waits for the read until `signal` aborts. */
  join(signal: AbortSignal | undefined): Promise<T> {
    if (this.abandoned) return Promise.reject(new Error('SharedRead.join after every caller went; start a new read'));
    if (!signal) {
      this.waiting++;
      return this.done;
    }
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    this.waiting++;
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        this.waiting--;
        if (this.waiting === 0) this.abort.abort(signal.reason);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', leave, { once: true });
      this.done.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error as Error);
        },
      );
    });
  }
}
