/**
 * Wait for `work`, but at most `ms` of real time: resolves with its value, or with
 * `undefined` when the bound ran out first. For answers that follow network work the
 * caller cannot cancel (upstream logouts), so a dead upstream never hangs the answer.
 * The timer keeps the process alive while someone waits: the answer is still owed.
 */
export function boundedWait<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}
