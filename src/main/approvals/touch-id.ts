import type { SystemPreferences } from 'electron';
import type { ApprovalRequest } from '../../base/contracts/approval.js';
import { formatDuration } from '../../base/duration.js';
import { sanitizeText } from '../../base/sanitize-text.js';

/** The part of `systemPreferences` Touch ID needs (macOS only in Electron). */
export type TouchIdPort = Pick<SystemPreferences, 'canPromptTouchID' | 'promptTouchID'>;

/** How a request will be asked. */
export type ApprovalMethod = 'touch-id' | 'popup';

/**
 * Longest Touch ID reason: macOS shows it in the sheet under "KeyBroker is trying to", on a
 * few lines of a narrow sheet, and cuts what does not fit; past this the popup asks instead.
 */
export const MAX_TOUCH_ID_REASON_CHARS = 200;

/**
 * Touch ID only for unlocks on macOS when the hardware can prompt (issue 7). Destructive
 * tool calls always get the popup: a fingerprint cannot show what the arguments are. So does
 * an unlock whose servers do not all fit the Touch ID reason (Y7-bindpw): the person must see
 * every host the password goes to before a fingerprint sends it there.
 */
export function chooseApprovalMethod(request: ApprovalRequest, platform: NodeJS.Platform, touchId: TouchIdPort | undefined): ApprovalMethod {
  if (request.subject.kind !== 'unlock') return 'popup';
  if (platform !== 'darwin' || !touchId) return 'popup';
  // Security: a reason that cannot name every host would let a fingerprint allow servers unseen.
  if (request.subject.moreHosts !== undefined || touchIdReason(request).length > MAX_TOUCH_ID_REASON_CHARS) return 'popup';
  // Security (C7-firstuse): a server config.json added is shown with its command, which a
  // fingerprint sheet cannot show whole; and a Touch ID prompt cannot be renamed (D215).
  if (request.subject.fromConfig) return 'popup';
  try {
    return touchId.canPromptTouchID() ? 'touch-id' : 'popup';
  } catch {
    // A broken biometry stack must not block the user: the popup still works.
    return 'popup';
  }
}

/**
 * The sentence macOS shows after "KeyBroker is trying to …": names the endpoint, the server(s)
 * its password goes to, the client and how long the unlock lasts, so the user knows what a
 * fingerprint allows: `unlock "vc1" at vcenter-prod-01.corp.example.com for … (vsphere) for 4h`; for a
 * password with no recorded servers yet, `bind the password of "vc1" (no recorded servers yet) to
 * HOST and unlock it for …` says the fingerprint binds it there (D222).
 */
export function touchIdReason(request: ApprovalRequest): string {
  const duration = request.subject.kind === 'unlock' ? formatDuration(request.subject.ttlSeconds) : 'one call';
  const client = oneLine(request.client || 'an unknown client');
  const claims = request.clientVerified ? client : `a client that calls itself "${client}"`;
  const hosts = request.subject.kind === 'unlock' ? hostList(request.subject.hosts) : '';
  const rest = `for ${claims} (${oneLine(request.server)}) for ${duration}`;
  // D222: the fingerprint also binds a password that has no recorded servers yet.
  if (request.subject.kind === 'unlock' && request.subject.unbound) return `bind the password of "${oneLine(request.endpoint)}" (no recorded servers yet) to ${hosts} and unlock it ${rest}`;
  return `unlock "${oneLine(request.endpoint)}"${hosts ? ` at ${hosts}` : ''} ${rest}`;
}

/** "a", "a and b", "a, b and c". */
function hostList(hosts: readonly string[]): string {
  const safe = hosts.map((h) => sanitizeText(h, { maxChars: 260 }));
  return safe.length > 1 ? `${safe.slice(0, -1).join(', ')} and ${safe[safe.length - 1]}` : (safe[0] ?? '');
}

function oneLine(s: string): string {
  // Security: client names come from peers; one short line with no control, bidi or invisible
  // characters, so a right-to-left mark cannot make the system prompt read differently.
  return sanitizeText(s, { maxChars: 80 });
}
