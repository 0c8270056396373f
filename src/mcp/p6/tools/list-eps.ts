import { z } from 'zod';
import { p6And } from '../../../connectors/p6/index.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { clauseIf, likeIf, listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'Id', 'Name', 'ParentObjectId', 'OBSObjectId', 'OBSName', 'SequenceNumber'];

/** `p6_list_eps`: the enterprise project structure, or the children of one node (issue 16). */
export function registerListEpsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_eps',
    title: 'List P6 EPS nodes',
    description: 'List nodes of the P6 enterprise project structure (EPS) with parent and responsible OBS, or the children of one node, in pages. An EPS ObjectId filters p6_list_projects (epsObjectId).',
    inputSchema: {
      parentObjectId: z.number().int().positive().optional().describe('only the direct children of this EPS node'),
      name: z.string().min(1).max(100).optional().describe('name contains this text; use % as wildcard for other patterns'),
      ...listArgs('EPS', DEFAULT_FIELDS, 500, 5000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'eps',
        defaultFields: DEFAULT_FIELDS,
        noun: 'EPS nodes',
        filter: () => p6And(clauseIf('ParentObjectId', ':eq:', args.parentObjectId), likeIf('Name', args.name)),
      }, extra.signal),
  });
}
