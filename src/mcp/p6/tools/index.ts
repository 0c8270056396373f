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
import { type Toolkit } from '../../runtime/toolkit/index.js';

export type { P6ToolDeps } from './p6-tool-deps.js';

/** Register every P6 tool (issue 6 lists them with their exact names). */
export function registerTools(tools: Toolkit, deps: P6ToolDeps): void {
  registerListEndpointsTool(tools, deps);
  registerListProjectsTool(tools, deps);
  registerGetProjectTool(tools, deps);
  registerFindObsTool(tools, deps);
  registerProjectsByObsTool(tools, deps);
  registerListActivitiesTool(tools, deps);
  registerListWbsTool(tools, deps);
  registerListRelationshipsTool(tools, deps);
  registerListResourcesTool(tools, deps);
  registerListAssignmentsTool(tools, deps);
  registerSessionInfoTool(tools, deps);
  // Issue 16: reference data and schedule analysis, all read-only.
  registerListCalendarsTool(tools, deps);
  registerListBaselinesTool(tools, deps);
  registerListCodesTool(tools, deps);
  registerListEpsTool(tools, deps);
  registerListUdfValuesTool(tools, deps);
  registerCheckScheduleTool(tools, deps);
  registerCompareBaselineTool(tools, deps);
  registerCallTool(tools, deps);
  registerUpdateActivityTool(tools, deps);
}
