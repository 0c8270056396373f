import { z } from 'zod';
import { p6And } from '../../../connectors/p6/index.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { clauseIf, likeIf, listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'Id', 'Name', 'ResourceType', 'IsActive', 'CalendarObjectId'];

/** `p6_list_resources`: labor, nonlabor and material resources. */
export function registerListResourcesTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_resources',
    title: 'List P6 resources',
    description: 'List P6 resources (people, equipment, material), optionally by type or name, in pages.',
    inputSchema: {
      resourceType: z.enum(['Labor', 'Nonlabor', 'Material']).optional().describe('only resources of this type'),
      name: z.string().min(1).max(100).optional().describe('name contains this text; use % as wildcard for other patterns'),
      ...listArgs('Resource', DEFAULT_FIELDS, 200, 5000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'resource',
        defaultFields: DEFAULT_FIELDS,
        noun: 'resources',
        filter: () => p6And(clauseIf('ResourceType', ':eq:', args.resourceType), likeIf('Name', args.name)),
      }, extra.signal),
  });
}
