import { z } from 'zod';
import { p6And } from '../../../connectors/p6/index.js';
import { P6ToolError } from '../p6-tool-error.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { projectArgs, resolveProject } from './resolve-project.js';
import { clauseIf, decodeCursor, encodeCursor, endpointArg, pageArgs, pageOutput } from './tool-kit.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const FIELDS = [
  'UDFTypeObjectId', 'UDFTypeTitle', 'UDFTypeDataType', 'UDFTypeSubjectArea', 'ForeignObjectId', 'ProjectObjectId',
  'Text', 'Double', 'Integer', 'Cost', 'StartDate', 'FinishDate', 'CodeValue', 'Description',
];

/**
 * `p6_list_udf_values`: user-defined field values (issue 16). P6's UDFValue has no ObjectId
 * (it is keyed by UDF type and the object it belongs to), so it cannot be paged by ObjectId
 * like the other lists: a filter is required and the page is cut from that one read.
 */
export function registerListUdfValuesTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_list_udf_values',
    title: 'List P6 user-defined field values',
    description: 'List values of P6 user-defined fields (UDFs): the UDF title and type, the object it belongs to (ForeignObjectId: an activity, project, WBS ... ObjectId) and the value in the field matching its data type. Filter by project, UDF title, UDF type or subject area (at least one).',
    inputSchema: {
      ...projectArgs,
      udfTitle: z.string().min(1).max(100).optional().describe('only the UDF with this title'),
      udfTypeObjectId: z.number().int().positive().optional().describe('only the UDF with this type ObjectId'),
      subjectArea: z.string().min(1).max(40).optional().describe("only UDFs of this subject area, e.g. 'Activity', 'Project', 'WBS'"),
      foreignObjectId: z.number().int().positive().optional().describe('only the values of this object (an activity or project ObjectId ...)'),
      ...pageArgs(500, 5000),
      endpoint: endpointArg,
    },
    outputSchema: pageOutput,
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.endpoints.client(args.endpoint, extra.signal);
      const project = await resolveProject(client, args, false);
      const filter = p6And(
        clauseIf('ProjectObjectId', ':eq:', project),
        clauseIf('UDFTypeTitle', ':eq:', args.udfTitle),
        clauseIf('UDFTypeObjectId', ':eq:', args.udfTypeObjectId),
        clauseIf('UDFTypeSubjectArea', ':eq:', args.subjectArea),
        clauseIf('ForeignObjectId', ':eq:', args.foreignObjectId),
      );
      if (filter === undefined) throw new P6ToolError('P6_BAD_ARGUMENTS', 'UDF values of a whole database are too many for one read: pass a project, udfTitle, udfTypeObjectId, subjectArea or foreignObjectId');
      const query = { endpoint: args.endpoint, resource: 'udfValue', filter };
      const offset = decodeCursor(args.cursor, query) ?? 0;
      const rows = await client.read('udfValue', { fields: FIELDS, filter });
      // A stable order (type, then object) so the offset cursor walks without gaps.
      rows.sort((a, b) => Number(a['UDFTypeObjectId'] ?? 0) - Number(b['UDFTypeObjectId'] ?? 0) || Number(a['ForeignObjectId'] ?? 0) - Number(b['ForeignObjectId'] ?? 0));
      const page = rows.slice(offset, offset + args.limit);
      const nextCursor = offset + page.length < rows.length ? encodeCursor(offset + page.length, query) : undefined;
      return toolResult(`${page.length} of ${rows.length} UDF values`, { total: rows.length, count: page.length, ...(nextCursor && { nextCursor }), rows: page });
    },
  });
}
