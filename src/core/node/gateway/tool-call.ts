import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A tool result the gateway itself produces (denials, refusals), never reaching the child. */
export function refusal(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/** The text users and assistants see when a held call is denied (DESIGN.md "Gateway"). */
export const DENIED_TEXT = 'denied by the user';

/** Names of a call's arguments, for the audit trail: values are never logged. */
export function argNames(args: Record<string, unknown> | undefined): string[] {
  return args ? Object.keys(args).slice(0, 64) : [];
}
