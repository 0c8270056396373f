import { z } from 'zod';
import { p6Clause } from '../../../connectors/p6/index.js';
import { P6ToolError } from '../p6-tool-error.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { projectArgs, projectOf } from './resolve-project.js';
import { listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'PredecessorActivityObjectId', 'PredecessorActivityId', 'SuccessorActivityObjectId', 'SuccessorActivityId', 'Type', 'Lag'];

/** `p6_list_relationships`: logic links of a project, or of one activity (either side). */
export function registerListRelationshipsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_relationships',
    title: 'List P6 relationships',
    description: 'List activity relationships (logic links) of a P6 project, or the predecessors and successors of one activity, in pages.',
    inputSchema: {
      ...projectArgs,
      activityObjectId: z.number().int().positive().optional().describe('only links where this activity is predecessor or successor'),
      ...listArgs('Relationship', DEFAULT_FIELDS, 500, 5000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'relationship',
        defaultFields: DEFAULT_FIELDS,
        noun: 'relationships',
        filter: async () => {
          if (args.activityObjectId !== undefined) {
            // An :or: filter is never combined with other clauses (reference §4: precedence undocumented).
            return `${p6Clause('PredecessorActivityObjectId', ':eq:', args.activityObjectId)} :or: ${p6Clause('SuccessorActivityObjectId', ':eq:', args.activityObjectId)}`;
          }
          const project = await projectOf(deps, args, false, extra.signal);
          if (project === undefined) throw new P6ToolError('P6_BAD_ARGUMENTS', 'pass a project (projectId or projectObjectId) or an activityObjectId');
          return p6Clause('PredecessorProjectObjectId', ':eq:', project);
        },
      }, extra.signal),
  });
}
