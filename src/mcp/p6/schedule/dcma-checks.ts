import type { P6Row } from '../../../connectors/p6/index.js';
import { daysBetween, isComplete, isMilestone, isTask, numeric, text, when, type ScheduleData } from './schedule-data.js';

/** DCMA's 44 working days: the limit for high float and high duration. */
export const DCMA_DAYS = 44;
/** Constraints DCMA counts as hard: they stop the logic from moving the activity. */
export const HARD_CONSTRAINTS: readonly string[] = ['Mandatory Start', 'Mandatory Finish', 'Start On', 'Finish On', 'Start On or Before', 'Finish On or Before'];
/** Offending activities listed per check; the count is always complete. */
const MAX_LISTED = 50;

/** One offending activity of a check. */
export interface CheckActivity {
  readonly objectId: number;
  readonly id: string;
  readonly name: string;
  /** Why it counts, e.g. "no predecessor", "lag +5 d to A1030", "total float -2 d". */
  readonly detail: string;
}

/** The outcome of one of the 14 DCMA checks. */
export interface CheckResult {
  readonly check: number;
  readonly name: string;
  /** False when P6 data cannot answer it (see `note`); the numbers are then absent. */
  readonly computed: boolean;
  /** What the DCMA guideline asks, e.g. "<= 5%", ">= 0.95". */
  readonly threshold: string;
  readonly count?: number;
  /** What the count is out of (incomplete tasks, relationships, ...). */
  readonly base?: number;
  readonly percent?: number;
  /** For the index checks (CPLI, BEI). */
  readonly value?: number;
  readonly pass?: boolean;
  readonly note?: string;
  readonly activities: readonly CheckActivity[];
  /** Offenders beyond the MAX_LISTED shown. */
  readonly more?: number;
}

const pct = (count: number, base: number): number => (base === 0 ? 0 : Math.round((count / base) * 1000) / 10);

function row(a: P6Row, detail: string): CheckActivity {
  return { objectId: numeric(a, 'ObjectId') ?? 0, id: text(a, 'Id') ?? '', name: text(a, 'Name') ?? '', detail };
}

function ratioCheck(check: number, name: string, limit: number, offenders: CheckActivity[], base: number, note?: string): CheckResult {
  const percent = pct(offenders.length, base);
  return {
    check, name, computed: true, threshold: limit === 0 ? '0%' : `<= ${limit}%`, count: offenders.length, base, percent, pass: percent <= limit,
    ...(note ? { note } : {}), activities: offenders.slice(0, MAX_LISTED), ...(offenders.length > MAX_LISTED ? { more: offenders.length - MAX_LISTED } : {}),
  };
}

function notComputed(check: number, name: string, threshold: string, note: string): CheckResult {
  return { check, name, computed: false, threshold, note, activities: [] };
}

const days = (hours: number, perDay: number): number => Math.round((hours / perDay) * 10) / 10;

/**
 * The DCMA 14-point assessment of one project from P6 data (issue 16). Counts are over the
 * incomplete tasks (not Completed; level-of-effort and WBS summary activities excluded), or
 * over their relationships for checks 2-4. Checks 11, 13 and 14 need a baseline; check 12
 * (critical path test) needs the schedule changed and recalculated, so it is never run here.
 */
export function dcmaChecks(data: ScheduleData): CheckResult[] {
  const byObjectId = new Map(data.activities.map((a) => [numeric(a, 'ObjectId'), a]));
  const tasks = data.activities.filter((a) => isTask(a) && !isComplete(a));
  const taskIds = new Set(tasks.map((a) => numeric(a, 'ObjectId')));
  const preds = new Map<number, P6Row[]>();
  const succs = new Map<number, P6Row[]>();
  for (const r of data.relationships) {
    const p = numeric(r, 'PredecessorActivityObjectId');
    const s = numeric(r, 'SuccessorActivityObjectId');
    if (p === undefined || s === undefined) continue;
    (succs.get(p) ?? succs.set(p, []).get(p)!).push(r);
    (preds.get(s) ?? preds.set(s, []).get(s)!).push(r);
  }
  // Relationships of incomplete tasks: the logic that still drives the forecast.
  const liveLinks = data.relationships.filter((r) => taskIds.has(numeric(r, 'SuccessorActivityObjectId')) || taskIds.has(numeric(r, 'PredecessorActivityObjectId')));
  const linkText = (r: P6Row): string => `${text(r, 'PredecessorActivityId') ?? numeric(r, 'PredecessorActivityObjectId')} -> ${text(r, 'SuccessorActivityId') ?? numeric(r, 'SuccessorActivityObjectId')}`;
  const successorOf = (r: P6Row): P6Row | undefined => byObjectId.get(numeric(r, 'SuccessorActivityObjectId'));
  const linkRow = (r: P6Row, detail: string): CheckActivity => {
    const s = successorOf(r);
    return s ? row(s, `${detail} on ${linkText(r)}`) : { objectId: numeric(r, 'SuccessorActivityObjectId') ?? 0, id: text(r, 'SuccessorActivityId') ?? '', name: '', detail: `${detail} on ${linkText(r)}` };
  };
  const perDay = (a: P6Row | undefined): number => (a ? data.hoursPerDay(a) : 8);

  const logic: CheckActivity[] = [];
  for (const a of tasks) {
    const id = numeric(a, 'ObjectId')!;
    const missing = [
      // The project's start and finish milestones are the two open ends a schedule is allowed.
      ...(!(preds.get(id)?.length) && text(a, 'Type') !== 'Start Milestone' ? ['no predecessor'] : []),
      ...(!(succs.get(id)?.length) && text(a, 'Type') !== 'Finish Milestone' ? ['no successor'] : []),
    ];
    if (missing.length) logic.push(row(a, missing.join(', ')));
  }
  const leads = liveLinks.filter((r) => (numeric(r, 'Lag') ?? 0) < 0).map((r) => linkRow(r, `lead ${days(numeric(r, 'Lag')!, perDay(successorOf(r)))} d`));
  const lags = liveLinks.filter((r) => (numeric(r, 'Lag') ?? 0) > 0).map((r) => linkRow(r, `lag +${days(numeric(r, 'Lag')!, perDay(successorOf(r)))} d`));
  const nonFs = liveLinks.filter((r) => (text(r, 'Type') ?? 'Finish to Start') !== 'Finish to Start').map((r) => linkRow(r, text(r, 'Type') ?? '?'));
  const hard = tasks.filter((a) => HARD_CONSTRAINTS.includes(text(a, 'PrimaryConstraintType') ?? '')).map((a) => row(a, `${text(a, 'PrimaryConstraintType')}${text(a, 'PrimaryConstraintDate') ? ` ${text(a, 'PrimaryConstraintDate')}` : ''}`));
  const floatDays = (a: P6Row): number | undefined => { const tf = numeric(a, 'TotalFloat'); return tf === undefined ? undefined : days(tf, perDay(a)); };
  const highFloat = tasks.filter((a) => (floatDays(a) ?? 0) > DCMA_DAYS).map((a) => row(a, `total float ${floatDays(a)} d`));
  const negative = tasks.filter((a) => (numeric(a, 'TotalFloat') ?? 0) < 0).map((a) => row(a, `total float ${floatDays(a)} d`));
  const durationOf = (a: P6Row): number => days(numeric(a, 'RemainingDuration') ?? numeric(a, 'PlannedDuration') ?? 0, perDay(a));
  const highDuration = tasks.filter((a) => !isMilestone(a) && durationOf(a) > DCMA_DAYS).map((a) => row(a, `remaining duration ${durationOf(a)} d`));
  const noResource = tasks.filter((a) => !isMilestone(a) && durationOf(a) > 0 && !data.resourced.has(numeric(a, 'ObjectId')!)).map((a) => row(a, 'no resource assignment'));

  const checks: CheckResult[] = [
    ratioCheck(1, 'Logic (missing predecessors or successors)', 5, logic, tasks.length),
    ratioCheck(2, 'Leads (negative lag)', 0, leads, liveLinks.length),
    ratioCheck(3, 'Lags (positive lag)', 5, lags, liveLinks.length),
    ratioCheck(4, 'Relationship types (Finish to Start >= 90%)', 10, nonFs, liveLinks.length, 'counts the relationships that are not Finish to Start'),
    ratioCheck(5, 'Hard constraints', 5, hard, tasks.length),
    ratioCheck(6, `High float (> ${DCMA_DAYS} working days)`, 5, highFloat, tasks.length),
    ratioCheck(7, 'Negative float', 0, negative, tasks.length),
    ratioCheck(8, `High duration (> ${DCMA_DAYS} working days remaining)`, 5, highDuration, tasks.filter((a) => !isMilestone(a)).length),
    invalidDates(data, tasks),
    ratioCheck(10, 'Resources (tasks with duration and no resource)', 0, noResource, tasks.filter((a) => !isMilestone(a) && durationOf(a) > 0).length, 'DCMA sets no threshold; any task without a resource is listed'),
    ...baselineChecks(data),
  ];
  return checks.sort((a, b) => a.check - b.check);
}

/** Check 9: forecast dates before the data date, or actual dates after it. */
function invalidDates(data: ScheduleData, tasks: readonly P6Row[]): CheckResult {
  const dd = when(data.dataDate);
  if (dd === undefined) return notComputed(9, 'Invalid dates', '0%', 'the project has no data date');
  const bad: CheckActivity[] = [];
  for (const a of tasks) {
    const started = text(a, 'ActualStartDate') !== undefined;
    const forecast = [...(started ? [] : [['start', text(a, 'StartDate')] as const]), ['finish', text(a, 'FinishDate')] as const];
    for (const [what, value] of forecast) {
      const t = when(value);
      if (t !== undefined && t < dd) bad.push(row(a, `forecast ${what} ${value} is before the data date ${data.dataDate}`));
    }
  }
  for (const a of data.activities) {
    for (const f of ['ActualStartDate', 'ActualFinishDate']) {
      const t = when(text(a, f));
      if (t !== undefined && t > dd) bad.push(row(a, `${f} ${text(a, f)} is after the data date ${data.dataDate}`));
    }
  }
  return ratioCheck(9, 'Invalid dates', 0, bad, tasks.length);
}

/** Checks 11-14: missed tasks, critical path test, CPLI and BEI. */
function baselineChecks(data: ScheduleData): CheckResult[] {
  const cpt = notComputed(12, 'Critical path test', 'passes', 'needs a delay inserted on the critical path and the schedule recalculated, which changes the project; KeyBroker\'s read tools never do that');
  const bl = data.baseline;
  const dd = when(data.dataDate);
  if (!bl || dd === undefined) {
    const why = !bl ? 'the project has no baseline in P6 (p6_list_baselines)' : 'the project has no data date';
    return [notComputed(11, 'Missed tasks', '<= 5%', why), cpt, notComputed(13, 'Critical path length index (CPLI)', '>= 0.95', why), notComputed(14, 'Baseline execution index (BEI)', '>= 0.95', why)];
  }
  const current = new Map(data.activities.map((a) => [text(a, 'Id'), a]));
  // Baseline activities due by the data date (tasks only).
  const due = bl.activities.filter((b) => isTask(b) && (when(text(b, 'FinishDate')) ?? Infinity) <= dd);
  const missed: CheckActivity[] = [];
  let doneOfDue = 0;
  for (const b of due) {
    const a = current.get(text(b, 'Id'));
    const finished = a && isComplete(a);
    if (finished) doneOfDue++;
    const actual = a ? text(a, 'ActualFinishDate') : undefined;
    if (!a) missed.push({ objectId: 0, id: text(b, 'Id') ?? '', name: text(b, 'Name') ?? '', detail: 'in the baseline, not in the project any more' });
    else if (!finished) missed.push(row(a, `baseline finish ${text(b, 'FinishDate')}, not finished`));
    else if ((when(actual) ?? 0) > (when(text(b, 'FinishDate')) ?? Infinity)) missed.push(row(a, `finished ${actual}, ${daysBetween(text(b, 'FinishDate'), actual)} d after the baseline finish`));
  }
  const bei = due.length === 0 ? undefined : Math.round((doneOfDue / due.length) * 100) / 100;
  // CPLI = (critical path length + total float) / critical path length, with the float
  // measured against the baseline finish (the DCMA guideline's "baseline/contract finish").
  const cpl = daysBetween(data.dataDate, data.finishDate);
  const tf = daysBetween(data.finishDate, bl.finishDate);
  const cpli = cpl === undefined || tf === undefined || cpl <= 0 ? undefined : Math.round(((cpl + tf) / cpl) * 100) / 100;
  const critical = data.activities.filter((a) => isTask(a) && !isComplete(a) && a['IsCritical'] === true).map((a) => row(a, 'on the critical path'));
  const notDone = missed.filter((m) => m.detail.includes('not finished') || m.detail.includes('not in the project'));
  return [
    ratioCheck(11, 'Missed tasks', 5, missed, due.length, `against baseline ${bl.name}: tasks due by the data date that finished late or not at all`),
    cpt,
    cpli === undefined
      ? notComputed(13, 'Critical path length index (CPLI)', '>= 0.95', 'needs a data date before the forecast finish and a baseline finish')
      : { check: 13, name: 'Critical path length index (CPLI)', computed: true, threshold: '>= 0.95', value: cpli, pass: cpli >= 0.95, note: `critical path ${cpl} d from the data date; float ${tf} d against the baseline finish ${bl.finishDate} (calendar days)`, activities: critical.slice(0, MAX_LISTED) },
    bei === undefined
      ? notComputed(14, 'Baseline execution index (BEI)', '>= 0.95', 'no baseline task was due by the data date')
      : { check: 14, name: 'Baseline execution index (BEI)', computed: true, threshold: '>= 0.95', value: bei, count: doneOfDue, base: due.length, pass: bei >= 0.95, note: 'tasks finished / tasks the baseline had finished by the data date', activities: notDone.slice(0, MAX_LISTED) },
  ];
}
