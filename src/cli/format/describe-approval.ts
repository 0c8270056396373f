import type { ApprovalRequest } from '../../core/common/contracts/approval.js';
import { formatDuration } from '../../core/common/duration.js';
import { toOneLine } from './one-line.js';

/** Longest WHAT cell: enough to recognise the call, short enough for one terminal line. */
export const MAX_WHAT_CHARS = 80;

/** Compact JSON when the preview parses (the host pretty-prints it), else the text as is. */
function compactArgs(preview: string): string {
  try {
    return JSON.stringify(JSON.parse(preview));
  } catch {
    return preview;
  }
}

/**
 * One line saying what an approval would allow: `unlock endpoint:vc1 for 4h` or
 * `tool vsphere_power {"action":"off",...`. Security: tool arguments come from the MCP
 * client, so the line is stripped of newlines, control and bidi characters before it is
 * cut, and a hostile argument cannot forge rows or escape sequences.
 */
export function describeApproval(a: ApprovalRequest): string {
  const text = a.subject.kind === 'unlock'
    ? `unlock ${a.subject.credential} for ${formatDuration(a.subject.ttlSeconds)}`
    : `tool ${a.subject.tool} ${compactArgs(a.subject.argsPreview)}`;
  return toOneLine(text, MAX_WHAT_CHARS);
}
