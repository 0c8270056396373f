import { WEEKDAYS, type TimeWindow } from '../contracts/policy.js';

const SHORT_DAYS: Record<string, (typeof WEEKDAYS)[number]> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

/** The weekday and minute of the day of `epochMs` in `timeZone`. */
export function localTime(epochMs: number, timeZone: string): { day: (typeof WEEKDAYS)[number]; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(epochMs);
  // en-US with these options always gives a weekday, an hour and a minute part.
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: SHORT_DAYS[part('weekday')]!, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `epochMs` falls in the window, in the window's time zone or else `defaultTimeZone`.
 * `from` is inclusive and `to` exclusive; a window whose `to` is before `from` spans midnight
 * and its days name the day it starts on.
 */
export function inTimeWindow(window: TimeWindow, epochMs: number, defaultTimeZone: string): boolean {
  const { day, minute } = localTime(epochMs, window.timeZone ?? defaultTimeZone);
  const from = minutes(window.from);
  const to = minutes(window.to);
  const days = window.days;
  if (from <= to) return minute >= from && minute < to && (!days || days.includes(day));
  if (minute >= from) return !days || days.includes(day);
  if (minute < to) {
    const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
    return !days || days.includes(yesterday);
  }
  return false;
}

/** How long userTimeZone reuses what it read: building an Intl.DateTimeFormat costs ~0.1 ms. */
const TIME_ZONE_REUSE_MS = 60_000;
let cachedZone: { zone: string; at: number; tz: string | undefined } | undefined;

/**
 * The user's time zone, the default of a window without one. Read at most once a minute
 * (issue 17: it was ~0.1 ms of every gateway call), so a changed system zone counts within a minute.
 */
export function userTimeZone(now: number = Date.now()): string {
  // `TZ` is how a process is told its zone (and how tests set it): a change is seen at once.
  // Stryker disable next-line ConditionalExpression,StringLiteral: in Node `process` always exists; the guard only keeps a renderer import working
  const tz = typeof process === 'undefined' ? undefined : process.env['TZ'];
  const fresh = cachedZone !== undefined && cachedZone.tz === tz && now - cachedZone.at < TIME_ZONE_REUSE_MS && now >= cachedZone.at;
  // Stryker disable next-line ConditionalExpression: the cache only saves time; reading the zone afresh answers the same
  if (fresh) return cachedZone!.zone;
  cachedZone = { zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', at: now, tz };
  return cachedZone.zone;
}
