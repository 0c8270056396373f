import { z } from 'zod';
import { p6And } from '../../../connectors/p6/index.js';
import { P6ToolError } from '../p6-tool-error.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { projectArgs, projectOf } from './resolve-project.js';
import { clauseIf, listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'ActivityObjectId', 'ResourceObjectId', 'ResourceId', 'ProjectObjectId', 'PlannedUnits', 'RemainingUnits', 'PlannedStartDate', 'PlannedFinishDate'];

/** `p6_list_assignments`: resource assignments of a project, an activity or a resource. */
export function registerListAssignmentsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_assignments',
    title: 'List P6 resource assignments',
    description: 'List P6 resource assignments of a project, an activity or a resource (at least one), in pages.',
    inputSchema: {
      ...projectArgs,
      activityObjectId: z.number().int().positive().optional().describe('only assignments of this activity'),
      resourceObjectId: z.number().int().positive().optional().describe('only assignments of this resource'),
      ...listArgs('ResourceAssignment', DEFAULT_FIELDS, 500, 5000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'resourceAssignment',
        defaultFields: DEFAULT_FIELDS,
        noun: 'assignments',
        filter: async () => {
          const project = await projectOf(deps, args, false, extra.signal);
          if (project === undefined && args.activityObjectId === undefined && args.resourceObjectId === undefined) {
            throw new P6ToolError('P6_BAD_ARGUMENTS', 'pass a project (projectId or projectObjectId), an activityObjectId or a resourceObjectId');
          }
          return p6And(
            clauseIf('ProjectObjectId', ':eq:', project),
            clauseIf('ActivityObjectId', ':eq:', args.activityObjectId),
            clauseIf('ResourceObjectId', ':eq:', args.resourceObjectId),
          );
        },
      }, extra.signal),
  });
}
