import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';

/** Reads an outside system only; safe to repeat (vCenter, P6: hence openWorld). */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/** Reads KeyBroker's own state only (`*_list_endpoints`): contacts no upstream. */
export const LOCAL_READ_ONLY: ToolAnnotations = { ...READ_ONLY, openWorldHint: false };

/** Changes state and may lose work (power off, revert, delete): the gateway asks first. */
export const DESTRUCTIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };

/** Overwrites state, and the same call twice leaves the same result (a P6 update): the gateway asks first. */
export const DESTRUCTIVE_IDEMPOTENT: ToolAnnotations = { ...DESTRUCTIVE, idempotentHint: true };

/** Adds something without destroying anything (a new snapshot). */
export const ADDITIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };

/** Changes state without destroying anything, and the same call twice ends as once (a migration). */
export const IDEMPOTENT_CHANGE: ToolAnnotations = { ...ADDITIVE, idempotentHint: true };
