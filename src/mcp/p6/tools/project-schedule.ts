import { loadSchedule } from '../schedule/load-schedule.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { resolveProject } from './resolve-project.js';

/** Arguments of the schedule tools: the project, the endpoint, and optionally the baseline. */
export interface ProjectScheduleArgs {
  endpoint?: string | undefined;
  projectObjectId?: number | undefined;
  projectId?: string | undefined;
  baselineObjectId?: number | undefined;
}

/** The schedule of the project the arguments name (required), with its baseline: `baselineObjectId`, else the newest; `signal` is the tool call's. */
export async function loadProjectSchedule(deps: P6ToolDeps, args: ProjectScheduleArgs, signal: AbortSignal | undefined): ReturnType<typeof loadSchedule> {
  const client = await deps.endpoints.client(args.endpoint, signal);
  const projectObjectId = (await resolveProject(client, args, true))!;
  return loadSchedule(client, projectObjectId, { baselineObjectId: args.baselineObjectId, useBaseline: true });
}
