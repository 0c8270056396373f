import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerCallTool } from './call.js';
import { registerCheckScheduleTool } from './check-schedule.js';
import { registerCompareBaselineTool } from './compare-baseline.js';
import { registerListBaselinesTool } from './list-baselines.js';
import { registerListCalendarsTool } from './list-calendars.js';
import { registerListCodesTool } from './list-codes.js';
import { registerListEpsTool } from './list-eps.js';
import { registerListUdfValuesTool } from './list-udf-values.js';
import { registerFindObsTool } from './find-obs.js';
import { registerGetProjectTool } from './get-project.js';
import { registerListActivitiesTool } from './list-activities.js';
import { registerListAssignmentsTool } from './list-assignments.js';
import { registerListEndpointsTool } from './list-endpoints.js';
import { registerListProjectsTool } from './list-projects.js';
import { registerListRelationshipsTool } from './list-relationships.js';
import { registerListResourcesTool } from './list-resources.js';
import { registerListWbsTool } from './list-wbs.js';
import type { P6ToolDeps } from './p6-tool-deps.js';
import { registerProjectsByObsTool } from './projects-by-obs.js';
import { registerSessionInfoTool } from './session-info.js';
import { registerUpdateActivityTool } from './update-activity.js';

export type { P6ToolDeps } from './p6-tool-deps.js';

/** Register every P6 tool (issue 6 lists them with their exact names). */
export function registerTools(server: McpServer, deps: P6ToolDeps): void {
  registerListEndpointsTool(server, deps);
  registerListProjectsTool(server, deps);
  registerGetProjectTool(server, deps);
  registerFindObsTool(server, deps);
  registerProjectsByObsTool(server, deps);
  registerListActivitiesTool(server, deps);
  registerListWbsTool(server, deps);
  registerListRelationshipsTool(server, deps);
  registerListResourcesTool(server, deps);
  registerListAssignmentsTool(server, deps);
  registerSessionInfoTool(server, deps);
  // Issue 16: reference data and schedule analysis, all read-only.
  registerListCalendarsTool(server, deps);
  registerListBaselinesTool(server, deps);
  registerListCodesTool(server, deps);
  registerListEpsTool(server, deps);
  registerListUdfValuesTool(server, deps);
  registerCheckScheduleTool(server, deps);
  registerCompareBaselineTool(server, deps);
    registerCallTool(deps.planner, deps);
  registerUpdateActivityTool(deps.planner, deps);
}
