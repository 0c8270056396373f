/**
 * Blocks the thread for `ms` (a synchronous critical section has no event loop to yield to).
 * Where an embedder forbids Atomics.wait on its main thread (browsers do; Node and Electron's
 * main process do not), it spins for the same time instead.
 */
export function pauseSync(ms: number): void {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  } catch {
    const until = Date.now() + ms;
    while (Date.now() < until) { /* spin: waits are short and rare */ }
  }
}
