import { z } from 'zod';
import { dcmaChecks } from '../schedule/dcma-checks.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { loadProjectSchedule } from './project-schedule.js';
import { projectArgs } from './resolve-project.js';
import { endpointArg } from './tool-kit.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const CheckActivity = z.object({ objectId: z.number(), id: z.string(), name: z.string(), detail: z.string() });

/** `p6_check_schedule`: the DCMA 14-point assessment of one project (issue 16). */
export function registerCheckScheduleTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_check_schedule',
    title: 'Check a P6 schedule (DCMA 14 points)',
    description:
      'Run the DCMA 14-point schedule assessment on a P6 project: logic (open ends), leads, lags, relationship types, hard constraints, high float, negative float, high duration, invalid dates, resources, missed tasks, CPLI and BEI, each with its count, threshold, pass/fail and the offending activities. Missed tasks, CPLI and BEI use the newest baseline (or baselineObjectId). The critical path test is not run: it would have to change and reschedule the project.',
    inputSchema: {
      ...projectArgs,
      baselineObjectId: z.number().int().positive().optional().describe('baseline to measure checks 11, 13 and 14 against (p6_list_baselines); default the newest'),
      endpoint: endpointArg,
    },
    outputSchema: {
      project: z.string().describe('project Id'),
      dataDate: z.string().optional().describe('the project data date the checks use'),
      baseline: z.string().optional().describe('the baseline used, if any'),
      tasks: z.number().int().describe('incomplete tasks checked (level of effort and WBS summary left out)'),
      failed: z.array(z.number().int()).describe('numbers of the computed checks that fail'),
      checks: z.array(z.object({
        check: z.number().int(), name: z.string(), computed: z.boolean(), threshold: z.string(),
        count: z.number().int().optional(), base: z.number().int().optional(), percent: z.number().optional(), value: z.number().optional(),
        pass: z.boolean().optional(), note: z.string().optional(), activities: z.array(CheckActivity), more: z.number().int().optional(),
      })).describe('the 14 checks in order'),
    },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const data = await loadProjectSchedule(deps, args, extra.signal);
      const checks = dcmaChecks(data);
      const failed = checks.filter((c) => c.computed && c.pass === false).map((c) => c.check);
      const tasks = checks[0]?.base ?? 0;
      const summary = `${data.projectId}: ${failed.length} of ${checks.filter((c) => c.computed).length} computed DCMA checks fail (${failed.join(', ') || 'none'}); ${tasks} incomplete tasks${data.baseline ? `, baseline ${data.baseline.name}` : ', no baseline'}`;
      return toolResult(summary, {
        project: data.projectId,
        ...(data.dataDate ? { dataDate: data.dataDate } : {}),
        ...(data.baseline ? { baseline: data.baseline.name } : {}),
        tasks,
        failed,
        checks: checks.map((c) => ({ ...c, activities: [...c.activities] })),
      });
    },
  });
}
