import type { P6Endpoints } from '../p6-endpoints.js';

/** What every P6 tool needs (STYLE.md §5: built once in server.ts). */
export interface P6ToolDeps {
  readonly endpoints: P6Endpoints;
}
