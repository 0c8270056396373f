import { ChildToHostBroker, MAX_FRAME_BYTES } from '../../base/contracts/token-protocol.js';
import { firstIssue } from '../../base/contracts/format-issue.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { ChildLink } from './child-link.js';

/** Byte size of a frame as JSON, or Infinity when it cannot be serialised at all. */
export function frameSize(raw: unknown): number {
  try {
    // JSON.stringify gives undefined for undefined or a function; byteLength then throws: Infinity below.
    return Buffer.byteLength(JSON.stringify(raw));
  } catch {
    return Infinity;
  }
}

/**
 * The receiving end of the broker channel (STYLE.md §3): size check, then zod, then act.
 * A bad frame is dropped and audited — never half-processed, never answered, and never
 * thrown out of the handler (a hostile child must not be able to crash the host).
 */
export function acceptBrokerFrame(
  link: ChildLink,
  raw: unknown,
  audit: AuditSink,
  act: (frame: ChildToHostBroker) => Promise<void>,
): void {
  try {
    const size = frameSize(raw);
    if (size > MAX_FRAME_BYTES) {
      audit.append({ event: 'frame.invalid', server: link.server, pid: link.pid, code: 'oversized', reason: `broker frame of ${Number.isFinite(size) ? size : 'unknown'} bytes exceeds ${MAX_FRAME_BYTES}` });
      return;
    }
    const parsed = ChildToHostBroker.safeParse(raw);
    if (!parsed.success) {
      const { path, message } = firstIssue(parsed.error);
      // Security: the reason names the bad field, never its value (it could be a token).
      audit.append({ event: 'frame.invalid', server: link.server, pid: link.pid, code: 'invalid', reason: `${path || '(frame)'}: ${message}`.slice(0, 200) });
      return;
    }
    act(parsed.data).catch(() => {
      audit.append({ event: 'frame.invalid', server: link.server, pid: link.pid, code: 'bug', reason: 'token handler failed unexpectedly' });
    });
  } catch {
    audit.append({ event: 'frame.invalid', server: link.server, pid: link.pid, code: 'bug', reason: 'frame intake failed unexpectedly' });
  }
}
