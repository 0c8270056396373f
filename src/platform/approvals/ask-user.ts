import type { ApprovalDecision, ApprovalSubject } from '../../base/contracts/approval.js';
import type { AuditInput, AuditSink } from '../ports/audit-sink.js';
import { elapsedMs, type Clock } from '../ports/clock.js';
import type { Approver } from './approver.js';

/** What asking the user needs, shared by unlock consent and tool approval. */
export interface AskUserDeps {
  readonly approver: Approver;
  readonly clock: Clock;
  readonly audit: AuditSink;
  /** Ids shared by every kind of prompt, so `keybroker approvals` shows one id space. */
  readonly newApprovalId: () => string;
}

/** Audit fields of a record, without its event. */
export type AskAuditFields = Omit<AuditInput, 'event'>;

/** How one prompt ended. Only 'denied' is the user's "deny" (issue 11). */
export type AskOutcome = 'allowed' | 'denied' | 'timeout' | 'cancelled' | 'failed';

/** The answer to one prompt. */
export interface AskAnswer {
  readonly outcome: AskOutcome;
  /** The decision in force: the user's when 'allowed', else 'deny'. */
  readonly decision: ApprovalDecision;
  /** How long the prompt waited before it counted as unanswered, in ms. */
  readonly timeoutMs: number;
}

/** One question to the user. */
export interface AskUserRequest {
  /** The approval id, when the caller needs it before the answer (Consent retargets its prompt); else a new one. */
  readonly id?: string;
  readonly client: string;
  readonly server: string;
  readonly endpoint: string;
  readonly subject: ApprovalSubject;
  /** After this long unanswered the prompt is withdrawn: outcome 'timeout'. */
  readonly timeoutMs: number;
  /**
   * Withdraws the prompt (lock, shutdown, a client that cancelled): outcome 'cancelled'.
   * Already aborted, the Approver is handed an aborted signal and shows nothing.
   */
  readonly signal?: AbortSignal;
  /** The audit events of the request and of an allowing or refusing answer. */
  readonly events: { readonly requested: AuditInput['event']; readonly allowed: AuditInput['event']; readonly denied: AuditInput['event'] };
  /** Fields of every record of this prompt (the approval id is added). */
  readonly fields: AskAuditFields;
  /** Extra fields of the request record only. */
  readonly requested?: AskAuditFields;
  /**
   * Extra fields of the answer record. Runs just before it is written, so a caller that
   * acts on the answer (consent caches an unlock) does so before the record reports it.
   */
  readonly answered?: (answer: AskAnswer) => AskAuditFields;
}

const AUDIT_OUTCOME = { allowed: 'ok', denied: 'denied', timeout: 'timeout', cancelled: 'cancelled', failed: 'failed' } as const satisfies Record<AskOutcome, AuditInput['outcome']>;

/**
 * Ask the user once and wait (DESIGN.md "Unlock", "Gateway"): audit the request, show it
 * through the Approver with a deadline, audit the answer. The one ask-with-timeout-and-audit
 * sequence behind both an unlock prompt and a held tool call; coalescing several askers onto
 * one prompt stays with the caller, who knows what "the same question" is.
 */
export async function askUser(deps: AskUserDeps, ask: AskUserRequest): Promise<AskAnswer> {
  const { approver, clock, audit } = deps;
  const withdraw = new AbortController();
  const timer = clock.setTimer(ask.timeoutMs, () => withdraw.abort('timeout' satisfies AskOutcome));
  const onCancel = () => withdraw.abort('cancelled' satisfies AskOutcome);
  ask.signal?.addEventListener('abort', onCancel); // An abort fires once; `finally` removes it.
  // A caller that gave up before asking gets no prompt at all, only the record of it.
  if (ask.signal?.aborted) onCancel();
  const id = ask.id ?? deps.newApprovalId();
  const createdAt = clock.now();
  audit.append({ event: ask.events.requested, ...ask.fields, approvalId: id, ...ask.requested });
  try {
    let failed = false;
    // Security: clientVerified stays false: nothing on these channels proves who the client is
    // (DECISIONS "self-declared client"), so approvers show "claims to be …".
    const decision = await approver
      .request({ id, client: ask.client, clientVerified: false, server: ask.server, endpoint: ask.endpoint, subject: ask.subject, createdAt, expiresAt: createdAt + ask.timeoutMs }, withdraw.signal)
      .catch(() => { failed = true; return 'deny' as const; }); // A broken approver must fail closed.
    // Security: a withdrawn prompt is a denial even if the approver raced an "allow" in.
    const outcome: AskOutcome = withdraw.signal.aborted ? (withdraw.signal.reason as AskOutcome)
      : failed ? 'failed'
        : decision === 'deny' ? 'denied' : 'allowed';
    const answer: AskAnswer = { outcome, decision: outcome === 'allowed' ? decision : 'deny', timeoutMs: ask.timeoutMs };
    const extra = ask.answered?.(answer);
    audit.append({ event: outcome === 'allowed' ? ask.events.allowed : ask.events.denied, ...ask.fields, approvalId: id, outcome: AUDIT_OUTCOME[outcome], durationMs: elapsedMs(clock, createdAt), ...extra });
    return answer;
  } finally {
    timer.dispose();
    ask.signal?.removeEventListener('abort', onCancel);
  }
}
