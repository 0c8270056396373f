import type { AuditRecord } from '../../base/contracts/audit-event.js';
import type { Event } from '../../base/events/emitter.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { MAX_INVALID_FRAMES_PER_CHILD } from '../supervisor/child-channel.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';

/**
 * Security: count the `frame.invalid` records one child lifetime causes (wherever they are
 * refused: unknown channel, broker intake, gateway), and its token requests for endpoints it
 * may never have (`token.denied` with its pid, R10-attack), and close its channel once it passes
 * MAX_INVALID_FRAMES_PER_CHILD, so a compromised child cannot flood the audit log with
 * refusals and rotate the real history out. The kill is a crash: backoff, then `failed`.
 */
export function limitInvalidFrames(handle: ChildProcessHandle, onDidAppend: Event<AuditRecord>): Disposable {
  // The lifetime's pid: known at once for a started child; taken when first known for one
  // attached before its start (Host.attachChild).
  let pid = handle.pid;
  let count = 0;
  return onDidAppend((r) => {
    pid ??= handle.pid;
    // A token request for an endpoint that does not exist or is of another kind is a valid
    // frame, refused all the same; only those denials carry the child's pid (TokenService).
    if ((r.event !== 'frame.invalid' && r.event !== 'token.denied') || r.server !== handle.spec.name || r.pid !== pid || pid === undefined) return;
    if (r.code?.startsWith('channel_')) return; // The violation's own record.
    if (++count > MAX_INVALID_FRAMES_PER_CHILD) handle.closeChannel('invalid-frames');
  });
}
