import { z } from 'zod';
import { p6And, p6Clause } from '../../../connectors/p6/index.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { projectArgs, projectOf } from './resolve-project.js';
import { clauseIf, listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'Id', 'Name', 'Status', 'WBSObjectId', 'StartDate', 'FinishDate', 'RemainingDuration', 'TotalFloat', 'PercentComplete'];
const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$/);

/** `p6_list_activities`: a project's activities by status, date window and total float (issue 6). */
export function registerListActivitiesTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_activities',
    title: 'List P6 activities',
    description: 'List the activities of one P6 project, optionally by status, date window or total float (critical path), in pages ordered by ObjectId.',
    inputSchema: {
      ...projectArgs,
      status: z.enum(['Not Started', 'In Progress', 'Completed']).optional().describe('only activities with this status'),
      from: DATE.optional().describe('only activities finishing on or after this date (YYYY-MM-DD)'),
      to: DATE.optional().describe('only activities starting on or before this date (YYYY-MM-DD)'),
      maxTotalFloat: z.number().min(-1e6).max(1e6).optional().describe('only activities with TotalFloat <= this (hours); 0 gives the critical path'),
      ...listArgs('Activity', DEFAULT_FIELDS, 500, 5000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'activity',
        defaultFields: DEFAULT_FIELDS,
        noun: 'activities',
        filter: async () =>
          p6And(
            p6Clause('ProjectObjectId', ':eq:', (await projectOf(deps, args, true, extra.signal))!),
            clauseIf('Status', ':eq:', args.status),
            clauseIf('FinishDate', ':gte:', args.from),
            clauseIf('StartDate', ':lte:', args.to),
            clauseIf('TotalFloat', ':lte:', args.maxTotalFloat),
          ),
      }, extra.signal),
  });
}
