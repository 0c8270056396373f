import { z } from 'zod';
import { p6And } from '../../../connectors/p6/index.js';
import { listPage } from './list-rows.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { clauseIf, endpointArg, likeIf, pageArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, type Toolkit } from '../../runtime/toolkit/index.js';

const RESOURCES = {
  activity: { values: 'activityCode', fields: ['ObjectId', 'CodeTypeObjectId', 'CodeTypeName', 'CodeTypeScope', 'CodeValue', 'Description', 'ParentObjectId', 'ProjectObjectId', 'SequenceNumber'] },
  project: { values: 'projectCode', fields: ['ObjectId', 'CodeTypeObjectId', 'CodeTypeName', 'CodeValue', 'Description', 'ParentObjectId', 'SequenceNumber'] },
} as const;

/** `p6_list_codes`: activity or project code values with their code types (issue 16). */
export function registerListCodesTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_codes',
    title: 'List P6 activity or project codes',
    description: 'List P6 activity codes or project codes: each value with its code type (name, and scope for activity codes), description and parent value, filtered by code type or value, in pages.',
    inputSchema: {
      kind: z.enum(['activity', 'project']).describe('activity codes or project codes'),
      codeType: z.string().min(1).max(100).optional().describe('only values of the code type with this name, e.g. Phase or Region'),
      codeTypeObjectId: z.number().int().positive().optional().describe('only values of this code type'),
      value: z.string().min(1).max(100).optional().describe('code value contains this text; use % as wildcard for other patterns'),
      projectObjectId: z.number().int().positive().optional().describe('activity codes: only the values of project-scoped codes of this project'),
      ...pageArgs(500, 5000),
      endpoint: endpointArg,
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: (args, extra) =>
      listPage(deps.endpoints, args, {
        resource: RESOURCES[args.kind].values,
        defaultFields: RESOURCES[args.kind].fields,
        noun: `${args.kind} code values`,
        filter: () =>
          p6And(
            clauseIf('CodeTypeName', ':eq:', args.codeType),
            clauseIf('CodeTypeObjectId', ':eq:', args.codeTypeObjectId),
            likeIf('CodeValue', args.value),
            args.kind === 'activity' ? clauseIf('ProjectObjectId', ':eq:', args.projectObjectId) : undefined,
          ),
      }, extra.signal),
  });
}
