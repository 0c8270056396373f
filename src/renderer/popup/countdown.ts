/**
 * "0:47": the time left before an unanswered approval counts as a denial (DESIGN.md: 60 s),
 * rounded up so the display reaches 0:00 exactly when the request expires.
 */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Below this many milliseconds the countdown is styled as urgent. */
export const URGENT_MS = 10_000;

/** The countdown sentence under the request. */
export function countdownText(expiresAt: number, now: number): string {
  return expiresAt - now > 0 ? `Auto-deny in ${formatRemaining(expiresAt - now)}` : 'Timing out…';
}
