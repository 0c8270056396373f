import { z } from 'zod';
import { p6Clause } from '../../../connectors/p6/index.js';
import { P6ToolError } from '../p6-tool-error.js';
import { recheckP6 } from '../plan/recheck-p6.js';
import { updateActivityPlan } from '../plan/update-activity-plan.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { endpointArg } from './tool-kit.js';
import { DESTRUCTIVE_IDEMPOTENT, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const DATE_TIME = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'use YYYY-MM-DDTHH:MM:SS');
const HOURS = z.number().min(0).max(1e6);
const PERCENT = z.number().min(0).max(100);

/**
 * The only Activity fields this tool may change (issue 6: dates, durations, status,
 * percent complete). `.strict()` refuses any other key instead of dropping it silently.
 */
const CHANGES = z
  .object({
    Status: z.enum(['Not Started', 'In Progress', 'Completed']).optional().describe('activity status'),
    PlannedStartDate: DATE_TIME.optional().describe('planned start, YYYY-MM-DDTHH:MM:SS'),
    PlannedFinishDate: DATE_TIME.optional().describe('planned finish, YYYY-MM-DDTHH:MM:SS'),
    ActualStartDate: DATE_TIME.optional().describe('actual start, YYYY-MM-DDTHH:MM:SS'),
    ActualFinishDate: DATE_TIME.optional().describe('actual finish, YYYY-MM-DDTHH:MM:SS'),
    PlannedDuration: HOURS.optional().describe('planned duration in hours'),
    RemainingDuration: HOURS.optional().describe('remaining duration in hours'),
    ActualDuration: HOURS.optional().describe('actual duration in hours'),
    PercentComplete: PERCENT.optional().describe('percent complete, 0-100'),
    PhysicalPercentComplete: PERCENT.optional().describe('physical percent complete, 0-100'),
  })
  .strict();

const READ_BACK = ['ObjectId', 'Id', 'Name', ...Object.keys(CHANGES.shape)];

/** `p6_update_activity`: change allow-listed fields of one activity; plans, then waits for approval (destructive). */
export function registerUpdateActivityTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_update_activity',
    title: 'Update a P6 activity',
    description: 'Change the dates, durations, status or percent complete of one P6 activity. Waits for the user\'s approval.',
    inputSchema: {
      objectId: z.number().int().positive().describe('ObjectId of the activity (p6_list_activities shows it)'),
      changes: CHANGES.describe('the fields to change; only these are allowed'),
      endpoint: endpointArg,
    },
    outputSchema: { activity: z.record(z.string(), z.unknown()).describe('the activity as P6 has it after the update') },
    annotations: DESTRUCTIVE_IDEMPOTENT,
    plan: async (args) => updateActivityPlan(await deps.endpoints.client(args.endpoint, undefined), args.objectId, args.changes),
    recheck: async (args, precondition) => recheckP6(await deps.endpoints.client(args.endpoint, undefined), precondition),
    run: async (args, extra) => {
      if (Object.keys(args.changes).length === 0) throw new P6ToolError('P6_BAD_ARGUMENTS', 'changes is empty; name at least one field to change');
      const client = await deps.endpoints.client(args.endpoint, extra.signal);
      await client.write('PUT', 'activity', [{ ObjectId: args.objectId, ...args.changes }]);
      const [activity] = await client.read('activity', { fields: READ_BACK, filter: p6Clause('ObjectId', ':eq:', args.objectId) });
      if (!activity) throw new P6ToolError('P6_NOT_FOUND', `activity ${args.objectId} was updated but cannot be read back; check it in P6`);
      return toolResult(`updated activity ${String(activity['Id'])} (${args.objectId}): ${Object.keys(args.changes).join(', ')}`, { activity });
    },
  });
}
