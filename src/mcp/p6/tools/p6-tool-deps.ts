import type { P6Clients } from '../p6-clients.js';

/** What every P6 tool needs (STYLE.md §5: built once in server.ts). */
export interface P6ToolDeps {
  readonly endpoints: P6Clients;
}
