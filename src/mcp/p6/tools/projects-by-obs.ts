import { z } from 'zod';
import { p6Clause, p6In } from '../../../connectors/p6/index.js';
import { P6ToolError } from '../p6-tool-error.js';
import { listRows } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { listArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const DEFAULT_FIELDS = ['ObjectId', 'Id', 'Name', 'Status', 'OBSObjectId', 'OBSName', 'ParentEPSName'];

/** The node and, with `descendants`, every node below it. */
function subtree(rows: readonly Record<string, unknown>[], root: number, descendants: boolean): number[] {
  const out = [root];
  if (!descendants) return out;
  for (let i = 0; i < out.length; i++) for (const r of rows) if (r['ParentObjectId'] === out[i]) out.push(r['ObjectId'] as number);
  return out;
}

/** `p6_projects_by_obs`: projects whose responsible OBS is a node, or below it (the seed's tool). */
export function registerProjectsByObsTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_projects_by_obs',
    title: 'P6 projects by OBS',
    description: 'List the P6 projects whose responsible OBS is the given node (by ObjectId or exact name), including nodes below it unless told otherwise.',
    inputSchema: {
      obsObjectId: z.number().int().positive().optional().describe('the OBS node ObjectId (p6_find_obs finds it)'),
      obsName: z.string().min(1).max(100).optional().describe('the exact OBS node name, when the ObjectId is not known'),
      includeChildren: z.boolean().default(true).describe('also projects of OBS nodes below this one (default true)'),
      ...listArgs('Project', DEFAULT_FIELDS, 100, 1000),
    },
    outputSchema: { ...pageOutput, obsObjectIds: z.array(z.number()).describe('the OBS nodes searched') },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.endpoints.client(args.endpoint, extra.signal);
      const obs = await client.read('obs', { fields: ['ObjectId', 'Name', 'ParentObjectId'] });
      const root = args.obsObjectId ?? (args.obsName === undefined ? undefined : (obs.find((o) => o['Name'] === args.obsName)?.['ObjectId'] as number | undefined));
      if (root === undefined) throw new P6ToolError('P6_NOT_FOUND', args.obsName === undefined ? 'pass obsObjectId or obsName' : `no OBS node named ${JSON.stringify(args.obsName)}; p6_find_obs finds close names`);
      const ids = subtree(obs, root, args.includeChildren);
      const page = await listRows(deps.endpoints, {
        endpoint: args.endpoint, resource: 'project', fields: args.fields ?? DEFAULT_FIELDS,
        filter: ids.length === 1 ? p6Clause('OBSObjectId', ':eq:', root) : p6In('OBSObjectId', ids),
        limit: args.limit, cursor: args.cursor, noun: 'projects', extra: { obsObjectIds: ids }, signal: extra.signal,
      });
      return page;
    },
  });
}
