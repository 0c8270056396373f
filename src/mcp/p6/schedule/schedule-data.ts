import type { P6Row } from '../../../connectors/p6/index.js';

/** Everything the schedule checks read, for one project (issue 16). Durations and float are in hours, as P6 stores them. */
export interface ScheduleData {
  /** The project's status date; checks that need it are skipped without it. */
  readonly dataDate: string | undefined;
  /** The project's forecast finish (summarised FinishDate). */
  readonly finishDate: string | undefined;
  readonly activities: readonly P6Row[];
  /** Relationships touching the project's activities. */
  readonly relationships: readonly P6Row[];
  /** ObjectIds of activities with at least one resource assignment. */
  readonly resourced: ReadonlySet<number>;
  /** Working hours per day of an activity's calendar (P6 default 8). */
  readonly hoursPerDay: (activity: P6Row) => number;
  /** The baseline's activities (matched by activity Id) and its finish, when the project has one. */
  readonly baseline?: { readonly name: string; readonly activities: readonly P6Row[]; readonly finishDate: string | undefined };
}

/** A string field, or undefined. */
export const text = (row: P6Row, field: string): string | undefined => (typeof row[field] === 'string' && row[field] !== '' ? (row[field] as string) : undefined);
/** A number field, or undefined. */
export const numeric = (row: P6Row, field: string): number | undefined => (typeof row[field] === 'number' ? (row[field] as number) : undefined);
/** Epoch ms of a P6 date-time (no zone: read as UTC, the same way for every date so differences hold). */
export const when = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
};
/** Days between two P6 dates (b - a), to one decimal; calendar days. */
export const daysBetween = (a: string | undefined, b: string | undefined): number | undefined => {
  const x = when(a);
  const y = when(b);
  return x === undefined || y === undefined ? undefined : Math.round(((y - x) / 86_400_000) * 10) / 10;
};
/** Completed activities are history; level-of-effort and WBS summary activities have no logic of their own. */
export const isTask = (a: P6Row): boolean => !['Level of Effort', 'WBS Summary'].includes(text(a, 'Type') ?? '');
export const isComplete = (a: P6Row): boolean => text(a, 'Status') === 'Completed';
export const isMilestone = (a: P6Row): boolean => (text(a, 'Type') ?? '').endsWith('Milestone');
