const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Local wall-clock time as `HH:MM` when `epochMs` falls on the same local day as `now`,
 * else `MM-DD HH:MM`: a 7-day TTL must not read as "later today".
 */
export function formatClock(epochMs: number, now: number): string {
  const at = new Date(epochMs);
  const today = new Date(now);
  const hm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return sameDay ? hm : `${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${hm}`;
}
