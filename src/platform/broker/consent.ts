import type { ApprovalDecision } from '../../base/contracts/approval.js';
import type { Approver } from '../approvals/approver.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import { TokenDenied } from './token-denied.js';
import type { UnlockCache } from './unlock-cache.js';

/** Who is asking, for the prompt and the audit trail. */
export interface Requester {
  /** The MCP client on whose behalf, when the gateway can tell; else a description of the child. */
  readonly client: string;
  /** The child (server) that asked: `vsphere`, `p6`. */
  readonly server: string;
}

/** How the user let a credential be used. */
export type UnlockMode = 'ttl' | 'once';

/** Why a prompt ended without the user answering it. */
type AbortReason = 'timeout' | 'lock';
/** Why an unlock was refused without a user's "deny": withdrawn, or the approver broke. */
type Unanswered = AbortReason | 'failed';

interface Outcome {
  readonly decision: ApprovalDecision;
  /** Set when the prompt was withdrawn (or could not be shown) rather than answered. */
  readonly withdrawn?: Unanswered;
  /** How long the prompt waited before it counted as unanswered, in seconds. */
  readonly timeoutSeconds: number;
}

interface Prompt {
  readonly outcome: Promise<Outcome>;
  readonly abort: AbortController;
}

/**
 * The consent gate in front of every credential: returns at once while the credential is
 * unlocked, else asks the Approver. Concurrent askers for one credential share exactly one
 * prompt; an unanswered prompt is a denial after `promptTimeoutMs`.
 */
export class Consent {
  private readonly prompts = new Map<string, Prompt>();

  constructor(
    private readonly deps: {
      readonly approver: Approver;
      readonly cache: UnlockCache;
      readonly clock: Clock;
      readonly audit: AuditSink;
      readonly newApprovalId: () => string;
      readonly promptTimeoutMs: () => number;
    },
  ) {}

  /** Resolve when the user allows `credential` for `endpoint`; throw TokenDenied otherwise. */
  async ensureUnlocked(credential: string, ttlSeconds: number, endpoint: string, who: Requester): Promise<UnlockMode> {
    if (this.deps.cache.unlockedUntil(credential) !== undefined) return 'ttl';
    const { decision, withdrawn, timeoutSeconds } = await this.prompt(credential, ttlSeconds, endpoint, who).outcome;
    // Issue 11: say what happened. Only a real "deny" is "denied by the user".
    if (withdrawn === 'lock') throw new TokenDenied('locked', `${endpoint} was locked while waiting for approval; ask again to get a new prompt`);
    if (withdrawn === 'failed') throw new TokenDenied('denied', `the unlock prompt for ${endpoint} could not be shown; check 'keybroker status' and ask again`);
    if (withdrawn === 'timeout') throw new TokenDenied('denied', `nobody answered the unlock prompt for ${endpoint} within ${timeoutSeconds} s; ask again and approve the prompt (or 'keybroker approve ID')`);
    if (decision === 'deny') throw new TokenDenied('denied', `access to ${endpoint} was denied by the user; ask them to approve it, or run 'keybroker approvals'`);
    return decision === 'allow-ttl' ? 'ttl' : 'once';
  }

  /** Epoch ms until which `credential` stays unlocked, or undefined when locked. */
  unlockedUntil(credential: string): number | undefined {
    return this.deps.cache.unlockedUntil(credential);
  }

  /** Drop the cached unlock of `credential`, so its next use asks the user again. */
  forget(credential: string): void {
    this.deps.cache.lock(credential);
  }

  /** Withdraw a pending prompt for `credential` (lock while asking): its askers are denied. */
  cancel(credential: string): void {
    this.prompts.get(credential)?.abort.abort('lock' satisfies AbortReason);
  }

  /** Withdraw every pending prompt (shutdown, lock all). */
  cancelAll(): void {
    for (const p of this.prompts.values()) p.abort.abort('lock' satisfies AbortReason);
  }

  private prompt(credential: string, ttlSeconds: number, endpoint: string, who: Requester): Prompt {
    const existing = this.prompts.get(credential);
    if (existing) return existing;

    const { approver, clock, audit } = this.deps;
    const abort = new AbortController();
    const timeoutMs = this.deps.promptTimeoutMs();
    const timer = clock.setTimer(timeoutMs, () => abort.abort('timeout' satisfies AbortReason));
    const id = this.deps.newApprovalId();
    const createdAt = clock.now();
    audit.append({ event: 'unlock.requested', credential, endpoint, client: who.client, server: who.server, approvalId: id, ttlSeconds });

    const outcome = approver
      .request({ id, client: who.client, clientVerified: false, server: who.server, endpoint, subject: { kind: 'unlock', credential, ttlSeconds }, createdAt, expiresAt: createdAt + timeoutMs }, abort.signal)
      .then((answer) => ({ answer, broken: false }), () => ({ answer: 'deny' as const, broken: true })) // A broken approver must fail closed.
      .then(({ answer, broken }): Outcome => {
        timer.dispose();
        this.prompts.delete(credential);
        const durationMs = clock.now() - createdAt;
        // Security: a withdrawn prompt is a denial even if the approver raced an "allow" in.
        const withdrawn: Unanswered | undefined = abort.signal.aborted ? (abort.signal.reason as AbortReason) : broken ? 'failed' : undefined;
        const d: ApprovalDecision = withdrawn ? 'deny' : answer;
        if (d === 'deny') {
          const outcome = withdrawn === 'timeout' ? 'timeout' : withdrawn === 'lock' ? 'cancelled' : withdrawn === 'failed' ? 'failed' : 'denied';
          audit.append({ event: 'unlock.denied', credential, endpoint, client: who.client, server: who.server, approvalId: id, outcome, durationMs });
        } else {
          if (d === 'allow-ttl') this.deps.cache.unlock(credential, ttlSeconds * 1000);
          audit.append({
            event: 'unlock.approved', credential, endpoint, client: who.client, server: who.server, approvalId: id, outcome: 'ok', durationMs,
            ttlSeconds: d === 'allow-ttl' ? ttlSeconds : 0, reason: d === 'allow-once' ? 'allow once' : undefined,
          });
        }
        return { decision: d, withdrawn, timeoutSeconds: Math.round(timeoutMs / 1000) };
      });
    const prompt = { outcome, abort };
    this.prompts.set(credential, prompt);
    return prompt;
  }
}
