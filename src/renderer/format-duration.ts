/**
 * A duration for people: "30 min", "4 h", "1 h 30 min", "1 day", "7 days"; never "0.5 h".
 * Seconds below a minute round to the minute (config TTLs are at least 60 s).
 */
export function formatDuration(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** The unlock durations offered in the endpoint form, in seconds. */
export const TTL_CHOICES: readonly number[] = [15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 24 * 3600, 7 * 24 * 3600];
