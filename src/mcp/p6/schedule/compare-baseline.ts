import type { P6Row } from '../../../connectors/p6/index.js';
import { daysBetween, numeric, text } from './schedule-data.js';

/** One activity's movement against the baseline, in calendar days (positive = later). */
export interface ActivityVariance {
  readonly id: string;
  readonly name: string;
  readonly objectId: number;
  readonly baselineStart?: string;
  readonly baselineFinish?: string;
  readonly start?: string;
  readonly finish?: string;
  readonly startVarianceDays?: number;
  readonly finishVarianceDays?: number;
}

/** What moved between a baseline and the current schedule (issue 16). */
export interface BaselineComparison {
  readonly projectFinishVarianceDays?: number;
  readonly compared: number;
  /** Activities whose finish moved later by more than the threshold, latest first. */
  readonly slipped: ActivityVariance[];
  /** Activities that finish earlier than in the baseline. */
  readonly gained: number;
  readonly becameCritical: { id: string; name: string }[];
  readonly noLongerCritical: { id: string; name: string }[];
  /** In the project but not in the baseline, and the other way round (matched by activity Id). */
  readonly added: { id: string; name: string }[];
  readonly removed: { id: string; name: string }[];
}

/** Actual dates once there are any, else the forecast: what the user sees as the activity's dates. */
const startOf = (a: P6Row): string | undefined => text(a, 'ActualStartDate') ?? text(a, 'StartDate');
const finishOf = (a: P6Row): string | undefined => text(a, 'ActualFinishDate') ?? text(a, 'FinishDate');
const brief = (a: P6Row) => ({ id: text(a, 'Id') ?? '', name: text(a, 'Name') ?? '' });

/**
 * Match the project's activities to the baseline's by activity Id and report start and
 * finish variance, slipped activities (finish later by more than `slipDays`), critical path
 * changes (P6's IsCritical in each) and added or removed activities.
 */
export function compareBaseline(current: readonly P6Row[], baseline: readonly P6Row[], finishes: { current?: string; baseline?: string }, slipDays = 0): BaselineComparison {
  const base = new Map(baseline.map((b) => [text(b, 'Id'), b]));
  const now = new Map(current.map((a) => [text(a, 'Id'), a]));
  const variances: ActivityVariance[] = [];
  const becameCritical: { id: string; name: string }[] = [];
  const noLongerCritical: { id: string; name: string }[] = [];
  for (const a of current) {
    const b = base.get(text(a, 'Id'));
    if (!b) continue;
    const v: ActivityVariance = {
      ...brief(a), objectId: numeric(a, 'ObjectId') ?? 0,
      baselineStart: text(b, 'StartDate'), baselineFinish: text(b, 'FinishDate'), start: startOf(a), finish: finishOf(a),
      startVarianceDays: daysBetween(text(b, 'StartDate'), startOf(a)), finishVarianceDays: daysBetween(text(b, 'FinishDate'), finishOf(a)),
    };
    variances.push(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as unknown as ActivityVariance);
    if (a['IsCritical'] === true && b['IsCritical'] !== true) becameCritical.push(brief(a));
    if (a['IsCritical'] !== true && b['IsCritical'] === true) noLongerCritical.push(brief(a));
  }
  const slipped = variances.filter((v) => (v.finishVarianceDays ?? 0) > slipDays).sort((x, y) => (y.finishVarianceDays ?? 0) - (x.finishVarianceDays ?? 0));
  const projectFinishVarianceDays = daysBetween(finishes.baseline, finishes.current);
  return {
    ...(projectFinishVarianceDays === undefined ? {} : { projectFinishVarianceDays }),
    compared: variances.length,
    slipped,
    gained: variances.filter((v) => (v.finishVarianceDays ?? 0) < 0).length,
    becameCritical,
    noLongerCritical,
    added: current.filter((a) => !base.has(text(a, 'Id'))).map(brief),
    removed: baseline.filter((b) => !now.has(text(b, 'Id'))).map(brief),
  };
}
