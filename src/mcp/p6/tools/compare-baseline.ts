import { z } from 'zod';
import { P6ToolError } from '../p6-tool-error.js';
import { compareBaseline } from '../schedule/compare-baseline.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { loadProjectSchedule } from './project-schedule.js';
import { projectArgs } from './resolve-project.js';
import { endpointArg } from './tool-kit.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const Brief = z.object({ id: z.string(), name: z.string() });

/** `p6_compare_baseline`: what moved since a baseline (issue 16). */
export function registerCompareBaselineTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_compare_baseline',
    title: 'Compare a P6 project with its baseline',
    description: 'Compare a P6 project with a baseline (default the newest): start and finish variance per activity, slipped activities (latest first), critical path changes, added and removed activities, and the project finish variance. Days are calendar days; positive means later than the baseline.',
    inputSchema: {
      ...projectArgs,
      baselineObjectId: z.number().int().positive().optional().describe('baseline to compare with (p6_list_baselines); default the newest'),
      slipDays: z.number().min(0).max(3650).default(0).describe('only count an activity as slipped when its finish moved later by more than this many days (default 0)'),
      limit: z.number().int().min(1).max(1000).default(100).describe('slipped activities to list, worst first (default 100); the count is always complete'),
      endpoint: endpointArg,
    },
    outputSchema: {
      project: z.string(), baseline: z.string(),
      projectFinishVarianceDays: z.number().optional().describe('project finish minus the baseline finish, in days'),
      compared: z.number().int().describe('activities in both, matched by activity Id'),
      slippedCount: z.number().int(),
      slipped: z.array(z.object({
        id: z.string(), name: z.string(), objectId: z.number(), baselineStart: z.string().optional(), baselineFinish: z.string().optional(),
        start: z.string().optional(), finish: z.string().optional(), startVarianceDays: z.number().optional(), finishVarianceDays: z.number().optional(),
      })).describe('activities finishing later than in the baseline, worst first'),
      gained: z.number().int().describe('activities finishing earlier than in the baseline'),
      becameCritical: z.array(Brief), noLongerCritical: z.array(Brief), added: z.array(Brief), removed: z.array(Brief),
    },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const data = await loadProjectSchedule(deps, args, extra.signal);
      if (!data.baseline) throw new P6ToolError('P6_NOT_FOUND', `project ${data.projectId} has no baseline in P6; a planner creates one in P6 (Maintain Baselines), then p6_list_baselines shows it`);
      const c = compareBaseline(data.activities, data.baseline.activities, { current: data.finishDate, baseline: data.baseline.finishDate }, args.slipDays);
      const summary = `${data.projectId} against ${data.baseline.name}: ${c.slipped.length} of ${c.compared} activities slipped` +
        `${c.projectFinishVarianceDays === undefined ? '' : `, project finish ${c.projectFinishVarianceDays >= 0 ? '+' : ''}${c.projectFinishVarianceDays} d`}` +
        `; critical path: ${c.becameCritical.length} joined, ${c.noLongerCritical.length} left; ${c.added.length} added, ${c.removed.length} removed`;
      return toolResult(summary, { project: data.projectId, baseline: data.baseline.name, ...c, slippedCount: c.slipped.length, slipped: c.slipped.slice(0, args.limit) });
    },
  });
}
