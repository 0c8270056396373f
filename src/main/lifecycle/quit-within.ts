/** How long Quit waits for children to stop and upstream sessions to log out. */
export const QUIT_DEADLINE_MS = 8000;

/**
 * Run `stop` and settle when it finishes or after `deadlineMs`, whichever comes first, so
 * Quit always quits: a child that ignores SIGTERM is SIGKILLed by the supervisor after its
 * grace period, but a logout to an unreachable server or a child whose exit is never reported
 * must not keep the app alive. Children left running die with the app's process.
 */
export async function stopWithin(stop: () => Promise<void>, deadlineMs: number): Promise<'stopped' | 'failed' | 'timed-out'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), deadlineMs);
  });
  try {
    return await Promise.race([stop().then(() => 'stopped' as const, () => 'failed' as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
