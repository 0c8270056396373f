import { z } from 'zod';
import { p6And } from '../../../connectors/p6/index.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { clauseIf, likeIf, listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'Id', 'Name', 'Status', 'ParentEPSObjectId', 'ParentEPSName', 'OBSObjectId', 'OBSName', 'StartDate', 'FinishDate', 'DataDate'];

/** `p6_list_projects`: projects filtered by status, name, EPS and OBS (issue 6). */
export function registerListProjectsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_projects',
    title: 'List P6 projects',
    description: 'List Primavera P6 projects, filtered by status, name, EPS node or responsible OBS, in pages.',
    inputSchema: {
      status: z.string().min(1).max(40).optional().describe("project status, e.g. 'Active', 'Planned', 'Inactive', 'What-If'"),
      name: z.string().min(1).max(100).optional().describe('name contains this text; use % as wildcard for other patterns'),
      epsObjectId: z.number().int().positive().optional().describe('only projects directly under this EPS node'),
      obsObjectId: z.number().int().positive().optional().describe('only projects whose responsible OBS is this node'),
      ...listArgs('Project', DEFAULT_FIELDS, 100, 1000),
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: 'project',
        defaultFields: DEFAULT_FIELDS,
        noun: 'projects',
        filter: () =>
          p6And(
            clauseIf('Status', ':eq:', args.status),
            likeIf('Name', args.name),
            clauseIf('ParentEPSObjectId', ':eq:', args.epsObjectId),
            clauseIf('OBSObjectId', ':eq:', args.obsObjectId),
          ),
      }, extra.signal),
  });
}
