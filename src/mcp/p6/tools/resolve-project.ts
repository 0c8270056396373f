import { z } from 'zod';
import { p6Clause, type P6Client } from '../../../connectors/p6/index.js';
import { P6ToolError } from '../p6-tool-error.js';
import type { P6ToolDeps } from './p6-tool-deps.js';

/** Arguments naming one project, by P6 Id or ObjectId. */
export const projectArgs = {
  projectObjectId: z.number().int().positive().optional().describe('project ObjectId (internal number)'),
  projectId: z.string().min(1).max(40).optional().describe('project Id as shown in P6, e.g. BRIDGE-01'),
};

/** The ObjectId of the project named by Id or ObjectId; undefined when neither is given and `required` is false. */
export async function resolveProject(client: P6Client, args: { projectObjectId?: number; projectId?: string }, required: boolean): Promise<number | undefined> {
  if (args.projectObjectId !== undefined) return args.projectObjectId;
  if (args.projectId === undefined) {
    if (required) throw new P6ToolError('P6_BAD_ARGUMENTS', 'name the project: pass projectId or projectObjectId (p6_list_projects lists them)');
    return undefined;
  }
  const rows = await client.read('project', { fields: ['ObjectId'], filter: p6Clause('Id', ':eq:', args.projectId) });
  const id = rows[0]?.['ObjectId'];
  if (typeof id !== 'number') throw new P6ToolError('P6_NOT_FOUND', `no project with Id ${JSON.stringify(args.projectId)}, or no permission to see it; check the Id with p6_list_projects`);
  return id;
}

/** {@link resolveProject} on the client of the endpoint the arguments name; `signal` is the tool call's. */
export async function projectOf(deps: P6ToolDeps, args: { endpoint?: string | undefined; projectObjectId?: number; projectId?: string }, required: boolean, signal: AbortSignal | undefined): Promise<number | undefined> {
  return resolveProject(await deps.endpoints.client(args.endpoint, signal), args, required);
}
