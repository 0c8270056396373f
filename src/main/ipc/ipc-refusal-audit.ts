import type { AuditInput } from '../../base/contracts/audit-event.js';
import type { IpcRefusal } from './handle.js';

/** Refused invokes audited one by one in a run of the app; past it, one record says the rest are not. */
export const MAX_AUDITED_IPC_REFUSALS = 64;

/** Where IpcRefusalAudit writes. */
export interface IpcRefusalAuditDeps {
  /** The host's audit log (`frame.invalid` records). Must not throw; main catches a failed write. */
  readonly append: (record: AuditInput) => void;
  /** One line to stderr, `[main pid] …` (main/app.ts). */
  readonly log: (line: string) => void;
  /** Default MAX_AUDITED_IPC_REFUSALS. */
  readonly max?: number;
}

/**
 * Records the invokes IpcRouter refused (D185): each is audited as `frame.invalid`
 * with `server: 'ipc'` and the code `ipc_<kind>` (the audit's event for a message refused at a
 * trust boundary, as for a child's frames and the control socket's lines), and said on
 * stderr. Our own pages never send what main refuses, so a refusal is a bug in a page or a
 * renderer running someone else's script, and the person should find it in the audit.
 *
 * Security: the record carries the refusal's one bounded line (channel, sender, the field and
 * what is wrong with it), never a payload value. A page that keeps sending what is refused
 * cannot flood the log and rotate the real history out: after `max` refusals in a run one
 * record says that the rest are not audited, and nothing more is written (as the 64 invalid
 * frames a child may cause, D29).
 */
export class IpcRefusalAudit {
  private count = 0;

  constructor(private readonly deps: IpcRefusalAuditDeps) {}

  /** Audit and log one refusal (IpcRouterOptions.onRefused). */
  record(refusal: IpcRefusal): void {
    const max = this.deps.max ?? MAX_AUDITED_IPC_REFUSALS;
    this.count += 1;
    if (this.count > max + 1) return;
    if (this.count === max + 1) {
      const line = `${max} IPC refusals audited this run; more are not (a page keeps sending what main refuses: restart KeyBroker, and report it if it happens again)`;
      this.deps.log(line);
      this.deps.append({ event: 'frame.invalid', server: 'ipc', outcome: 'denied', code: 'ipc_refusals_capped', reason: line });
      return;
    }
    this.deps.log(refusal.message);
    this.deps.append({ event: 'frame.invalid', server: 'ipc', outcome: 'denied', code: `ipc_${refusal.kind}`, reason: refusal.message });
  }
}
