import { z } from 'zod';
import { p6And, p6Clause } from '../../../connectors/p6/index.js';
import { P6ToolError } from '../p6-tool-error.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { projectArgs } from './resolve-project.js';
import { endpointArg } from './tool-kit.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const FIELDS = ['ObjectId', 'Id', 'Name', 'Status', 'ParentEPSObjectId', 'ParentEPSName', 'OBSObjectId', 'OBSName', 'PlannedStartDate', 'StartDate', 'FinishDate', 'DataDate', 'Description'];
const STATUSES = ['Not Started', 'In Progress', 'Completed'] as const;

/** `p6_get_project`: one project with its dates, WBS count and activity counts by status. */
export function registerGetProjectTool(tools: Toolkit, deps: P6ToolDeps): void {
  tools.define({
    name: 'p6_get_project',
    title: 'Get a P6 project',
    description: 'One P6 project by Id or ObjectId: dates, data date, status, WBS count and activity counts by status.',
    inputSchema: { ...projectArgs, endpoint: endpointArg },
    outputSchema: {
      project: z.record(z.string(), z.unknown()).describe('the Project fields ' + FIELDS.join(',')),
      wbsCount: z.number().int().describe('WBS nodes in the project'),
      activityCount: z.number().int().describe('activities in the project'),
      activitiesByStatus: z.record(z.string(), z.number().int()).describe('activity count per Status'),
    },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.endpoints.client(args.endpoint, extra.signal);
      const key = args.projectObjectId !== undefined ? p6Clause('ObjectId', ':eq:', args.projectObjectId) : args.projectId !== undefined ? p6Clause('Id', ':eq:', args.projectId) : undefined;
      if (key === undefined) throw new P6ToolError('P6_BAD_ARGUMENTS', 'name the project: pass projectId or projectObjectId (p6_list_projects lists them)');
      const [project] = await client.read('project', { fields: FIELDS, filter: key });
      if (!project) throw new P6ToolError('P6_NOT_FOUND', 'no such project, or no permission to see it; check the Id with p6_list_projects');
      const inProject = p6Clause('ProjectObjectId', ':eq:', project['ObjectId'] as number);
      // Counts come from ObjectId-only reads: the cheapest way P6 offers to count (no count endpoint).
      const [wbs, ...byStatus] = await Promise.all([
        client.readIds('wbs', inProject),
        ...STATUSES.map((s) => client.readIds('activity', p6And(inProject, p6Clause('Status', ':eq:', s)))),
      ]);
      const activitiesByStatus = Object.fromEntries(STATUSES.map((s, i) => [s, byStatus[i]!.length]));
      const activityCount = byStatus.reduce((n, ids) => n + ids.length, 0);
      const text = `${String(project['Id'])} "${String(project['Name'])}" (${String(project['Status'])}): ${wbs!.length} WBS nodes, ${activityCount} activities`;
      return toolResult(text, { project, wbsCount: wbs!.length, activityCount, activitiesByStatus });
    },
  });
}
