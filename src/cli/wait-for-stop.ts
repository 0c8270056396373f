/**
 * Resolve when `signal` aborts. Holds a timer so the event loop stays alive even
 * before any socket is listening (a bare pending promise lets Node exit with code 13).
 */
export function waitForStop(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const keepAlive = setInterval(() => undefined, 1 << 30);
    signal.addEventListener('abort', () => {
      clearInterval(keepAlive);
      resolve();
    }, { once: true });
  });
}
