import type { ApprovalRequest } from '../../base/contracts/approval.js';
import { sanitizeText } from '../../base/sanitize-text.js';

/**
 * The client as the person should read it (issue 11): a name the client gave itself is
 * "claims to be claude-ai"; only a channel that proves it shows the bare name. Sanitized:
 * the name is the peer's own words.
 */
export function clientLabel(request: Pick<ApprovalRequest, 'client' | 'clientVerified'>): string {
  const name = sanitizeText(request.client || '', { maxChars: 120 });
  if (!name) return 'unknown client';
  return request.clientVerified ? name : `claims to be ${name}`;
}
