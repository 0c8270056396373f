import type { ToolPlanner } from '../../runtime/plan/tool-planner.js';
import type { P6Endpoints } from '../p6-endpoints.js';

/** What every P6 tool needs (STYLE.md §5: built once in server.ts). */
export interface P6ToolDeps {
  readonly endpoints: P6Endpoints;
  /** Plan steps of the tools that change something (issue 11). */
  readonly planner: ToolPlanner;
}
