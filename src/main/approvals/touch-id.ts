import type { SystemPreferences } from 'electron';
import type { ApprovalRequest } from '../../base/contracts/approval.js';
import { formatDuration } from '../../base/duration.js';
import { sanitizeText } from '../../base/sanitize-text.js';

/** The part of `systemPreferences` Touch ID needs (macOS only in Electron). */
export type TouchIdPort = Pick<SystemPreferences, 'canPromptTouchID' | 'promptTouchID'>;

/** How a request will be asked. */
export type ApprovalMethod = 'touch-id' | 'popup';

/**
 * Touch ID only for unlocks on macOS when the hardware can prompt (issue 7). Destructive
 * tool calls always get the popup: a fingerprint cannot show what the arguments are.
 */
export function chooseApprovalMethod(request: ApprovalRequest, platform: NodeJS.Platform, touchId: TouchIdPort | undefined): ApprovalMethod {
  if (request.subject.kind !== 'unlock') return 'popup';
  if (platform !== 'darwin' || !touchId) return 'popup';
  try {
    return touchId.canPromptTouchID() ? 'touch-id' : 'popup';
  } catch {
    // A broken biometry stack must not block the user: the popup still works.
    return 'popup';
  }
}

/**
 * The sentence macOS shows after "KeyBroker is trying to …": names the client, the
 * endpoint and how long the unlock lasts, so the user knows what a fingerprint allows.
 */
export function touchIdReason(request: ApprovalRequest): string {
  const duration = request.subject.kind === 'unlock' ? formatDuration(request.subject.ttlSeconds) : 'one call';
  const client = oneLine(request.client || 'an unknown client');
  const claims = request.clientVerified ? client : `a client that calls itself "${client}"`;
  return `unlock "${oneLine(request.endpoint)}" for ${claims} (${oneLine(request.server)}) for ${duration}`;
}

function oneLine(s: string): string {
  // Security: client names come from peers; one short line with no control, bidi or invisible
  // characters, so a right-to-left mark cannot make the system prompt read differently.
  return sanitizeText(s, { maxChars: 80 });
}
