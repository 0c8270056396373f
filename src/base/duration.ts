/**
 * Human durations as the CLI takes and prints them: `4h`, `30m`, `90s`, `1h30m`, `2d`.
 * Units must appear largest first and at most once, so `30m1h` or `1h1h` are typos, not sums.
 */
const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
] as const;

const DURATION_RE = /^(?:(\d{1,6})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,9})s)?$/;

/**
 * Parse a duration into whole seconds. Returns undefined when the text is not a duration
 * (empty, unknown unit, wrong order, zero), so the caller can say what it expected.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim().toLowerCase());
  if (!m || m[0] === '') return undefined;
  let seconds = 0;
  UNITS.forEach(([, factor], i) => {
    const part = m[i + 1];
    if (part !== undefined) seconds += Number(part) * factor;
  });
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}

/**
 * Format whole seconds the way `parseDuration` reads them back: `4h`, `1h30m`, `90s` → `1m30s`.
 * Zero prints as `0s`; fractions are dropped because TTLs are whole seconds.
 */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, factor] of UNITS) {
    const n = Math.floor(rest / factor);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * factor;
    }
  }
  return out;
}
