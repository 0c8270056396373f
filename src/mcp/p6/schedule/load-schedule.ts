import { p6Clause, p6In, type P6Client, type P6Row } from '../../../connectors/p6/index.js';
import { P6ToolError } from '../p6-tool-error.js';
import { numeric, text, when, type ScheduleData } from './schedule-data.js';

/** Activity fields the schedule checks and the baseline comparison read. */
export const SCHEDULE_ACTIVITY_FIELDS = [
  'ObjectId', 'Id', 'Name', 'Status', 'Type', 'ProjectObjectId', 'StartDate', 'FinishDate', 'ActualStartDate', 'ActualFinishDate',
  'PlannedDuration', 'RemainingDuration', 'TotalFloat', 'IsCritical', 'CalendarObjectId', 'PrimaryConstraintType', 'PrimaryConstraintDate',
] as const;
const BASELINE_FIELDS = ['ObjectId', 'Id', 'Name', 'OriginalProjectObjectId', 'BaselineTypeName', 'DataDate', 'StartDate', 'FinishDate', 'LastUpdateDate'] as const;

/** Every row matching `filter`, in ObjectId batches (a 50,000-activity project in one GET can time out; reference §3). */
export async function readAll(client: P6Client, resource: string, fields: readonly string[], filter: string): Promise<P6Row[]> {
  return client.readByIds(resource, fields, await client.readIds(resource, filter), filter);
}

/** The project's baselines, newest first (by LastUpdateDate, then ObjectId). */
export async function readBaselines(client: P6Client, projectObjectId: number): Promise<P6Row[]> {
  const rows = await client.read('baselineProject', { fields: BASELINE_FIELDS, filter: p6Clause('OriginalProjectObjectId', ':eq:', projectObjectId) });
  return rows.sort((a, b) => (when(text(b, 'LastUpdateDate')) ?? 0) - (when(text(a, 'LastUpdateDate')) ?? 0) || (numeric(b, 'ObjectId') ?? 0) - (numeric(a, 'ObjectId') ?? 0));
}

/** One baseline of the project: `baselineObjectId`, else the newest; undefined when it has none. */
export async function pickBaseline(client: P6Client, projectObjectId: number, baselineObjectId: number | undefined): Promise<P6Row | undefined> {
  const all = await readBaselines(client, projectObjectId);
  if (baselineObjectId === undefined) return all[0];
  const found = all.find((b) => numeric(b, 'ObjectId') === baselineObjectId);
  if (!found) throw new P6ToolError('P6_NOT_FOUND', `project ${projectObjectId} has no baseline ${baselineObjectId}; p6_list_baselines lists its baselines`);
  return found;
}

/**
 * Read what the schedule checks need for one project: the project's data date and finish,
 * its activities, their relationships (either end in the project), resource assignments,
 * calendars (hours per day) and, when there is one, the baseline's activities.
 */
export async function loadSchedule(client: P6Client, projectObjectId: number, opts: { baselineObjectId?: number; useBaseline: boolean }): Promise<ScheduleData & { projectId: string; projectName: string }> {
  const [project] = await client.read('project', { fields: ['ObjectId', 'Id', 'Name', 'DataDate', 'FinishDate'], filter: p6Clause('ObjectId', ':eq:', projectObjectId) });
  if (!project) throw new P6ToolError('P6_NOT_FOUND', `no project with ObjectId ${projectObjectId}, or no permission to see it; check it with p6_list_projects`);
  const inProject = p6Clause('ProjectObjectId', ':eq:', projectObjectId);
  const [activities, relationships, assignments] = await Promise.all([
    readAll(client, 'activity', SCHEDULE_ACTIVITY_FIELDS, inProject),
    // One :or: and nothing else (reference §4: precedence of mixed :and:/:or: is undocumented).
    client.read('relationship', {
      fields: ['ObjectId', 'PredecessorActivityObjectId', 'SuccessorActivityObjectId', 'PredecessorActivityId', 'SuccessorActivityId', 'Type', 'Lag'],
      filter: `${p6Clause('PredecessorProjectObjectId', ':eq:', projectObjectId)} :or: ${p6Clause('SuccessorProjectObjectId', ':eq:', projectObjectId)}`,
    }),
    readAll(client, 'resourceAssignment', ['ObjectId', 'ActivityObjectId'], inProject),
  ]);
  const calendarIds = [...new Set(activities.map((a) => numeric(a, 'CalendarObjectId')).filter((x): x is number => x !== undefined))];
  const calendars = calendarIds.length ? await client.read('calendar', { fields: ['ObjectId', 'HoursPerDay'], filter: p6In('ObjectId', calendarIds) }) : [];
  const hours = new Map(calendars.map((c) => [numeric(c, 'ObjectId'), numeric(c, 'HoursPerDay')]));
  const baseline = opts.useBaseline ? await pickBaseline(client, projectObjectId, opts.baselineObjectId) : undefined;
  const baselineActivities = baseline ? await readAll(client, 'activity', SCHEDULE_ACTIVITY_FIELDS, p6Clause('ProjectObjectId', ':eq:', numeric(baseline, 'ObjectId')!)) : [];
  return {
    projectId: text(project, 'Id') ?? String(projectObjectId),
    projectName: text(project, 'Name') ?? '',
    dataDate: text(project, 'DataDate'),
    finishDate: text(project, 'FinishDate'),
    activities,
    relationships,
    resourced: new Set(assignments.map((r) => numeric(r, 'ActivityObjectId')).filter((x): x is number => x !== undefined)),
    // P6's default is 8 hours a day when a calendar says nothing.
    hoursPerDay: (a) => { const h = hours.get(numeric(a, 'CalendarObjectId')); return h && h > 0 ? h : 8; },
    ...(baseline ? { baseline: { name: `${text(baseline, 'Name') ?? ''} (ObjectId ${numeric(baseline, 'ObjectId')})`, activities: baselineActivities, finishDate: text(baseline, 'FinishDate') } } : {}),
  };
}
