import type { AuditRecord } from '../../base/contracts/audit-event.js';
import type { Event } from '../../base/events/emitter.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import { MAX_INVALID_FRAMES_PER_CHILD } from '../supervisor/child-channel.js';
import type { ChildProcessHandle } from '../supervisor/child-process-handle.js';

/**
 * Security: count the `frame.invalid` records one child lifetime causes (wherever they are
 * refused: unknown channel, broker intake, gateway) and close its channel once it passes
 * MAX_INVALID_FRAMES_PER_CHILD, so a compromised child cannot flood the audit log with
 * refusals and rotate the real history out. The kill is a crash: backoff, then `failed`.
 */
export function limitInvalidFrames(handle: ChildProcessHandle, onDidAppend: Event<AuditRecord>): Disposable {
  const pid = handle.pid;
  let count = 0;
  return onDidAppend((r) => {
    if (r.event !== 'frame.invalid' || r.server !== handle.spec.name || r.pid !== pid || pid === undefined) return;
    if (r.code?.startsWith('channel_')) return; // The violation's own record.
    if (++count > MAX_INVALID_FRAMES_PER_CHILD) handle.closeChannel('invalid-frames');
  });
}
