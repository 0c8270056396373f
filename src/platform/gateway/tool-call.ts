import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A tool result the gateway itself produces (denials, refusals), never reaching the child. */
export function refusal(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/** The text users and assistants see when a held call is denied (DESIGN.md "Gateway"). */
export const DENIED_TEXT = 'denied by the user';

/** How a held call's approval ended (issue 11: only a real denial says "denied by the user"). */
export type ApprovalOutcome = 'allowed' | 'denied' | 'timeout' | 'disconnected' | 'cancelled' | 'failed';

/** The text a held call gets back for an outcome other than 'allowed'. */
export function outcomeText(outcome: Exclude<ApprovalOutcome, 'allowed'>, timeoutSeconds: number): string {
  switch (outcome) {
    case 'denied':
      return DENIED_TEXT;
    case 'timeout':
      return `nobody answered within ${timeoutSeconds} s, so nothing was run; call again and answer the prompt (or 'keybroker approve ID')`;
    case 'disconnected':
      return 'the client disconnected before anyone answered, so nothing was run';
    case 'cancelled':
      return 'the client cancelled the call before anyone answered, so nothing was run';
    case 'failed':
      return "the approval prompt could not be shown, so nothing was run; check 'keybroker status' and try again";
  }
}

/** Names of a call's arguments, for the audit trail: values are never logged. */
export function argNames(args: Record<string, unknown> | undefined): string[] {
  return args ? Object.keys(args).slice(0, 64) : [];
}
