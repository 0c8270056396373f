import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { p6And, p6Clause } from '../../../connectors/p6/index.js';
import { listRows } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { endpointArg, fieldsArg, guarded, likeValue, pageArgs, pageOutput, READ_ONLY } from './tool-kit.js';

const DEFAULT_FIELDS = ['ObjectId', 'Id', 'Name', 'ParentObjectId', 'OBSObjectId', 'OBSName', 'SequenceNumber'];

/** `p6_list_eps`: the enterprise project structure, or the children of one node (issue 16). */
export function registerListEpsTool(server: McpServer, deps: P6ToolDeps): void {
  server.registerTool(
    'p6_list_eps',
    {
      title: 'List P6 EPS nodes',
      description: 'List nodes of the P6 enterprise project structure (EPS) with parent and responsible OBS, or the children of one node, in pages. An EPS ObjectId filters p6_list_projects (epsObjectId).',
      inputSchema: {
        parentObjectId: z.number().int().positive().optional().describe('only the direct children of this EPS node'),
        name: z.string().min(1).max(100).optional().describe('name contains this text; use % as wildcard for other patterns'),
        fields: fieldsArg.describe(`P6 EPS fields to return (default ${DEFAULT_FIELDS.join(',')})`),
        ...pageArgs(500, 5000),
        endpoint: endpointArg,
      },
      outputSchema: pageOutput,
      annotations: READ_ONLY,
    },
    (args) =>
      guarded(() =>
        listRows(deps.endpoints, {
          endpoint: args.endpoint,
          resource: 'eps',
          fields: args.fields ?? DEFAULT_FIELDS,
          filter: p6And(
            args.parentObjectId === undefined ? undefined : p6Clause('ParentObjectId', ':eq:', args.parentObjectId),
            args.name === undefined ? undefined : p6Clause('Name', ':like:', likeValue(args.name)),
          ),
          limit: args.limit,
          cursor: args.cursor,
          noun: 'EPS nodes',
        }),
      ),
  );
}
