import crypto from 'node:crypto';
import { MAX_POLICY_LOOSENINGS, type ApprovalSubject } from '../../base/contracts/approval.js';
import type { Config } from '../../base/contracts/config.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import { confirmable, fitLoosening, policyLoosenings, policyView } from '../../base/policy/policy-loosenings.js';
import { askUser, type AskUserDeps } from '../approvals/ask-user.js';
import type { ConfirmedPolicyRecord } from './confirmed-policy-record.js';

/** Who a consent prompt is asked on behalf of: the held call's client, server and endpoint. */
export interface ConsentAsker {
  readonly client: string;
  readonly server: string;
  readonly endpoint: string;
}

/**
 * Policy prompts a newer config.json may withdraw in a minute (D283, as D196 for
 * unlock prompts); past them the prompt up stays until it is answered or times out.
 */
export const POLICY_PROMPTS_WITHDRAWN_PER_MINUTE = 4;

/**
 * Security (D1-policyconsent): a policy that lets a change run without a per-call approval
 * must be one a person made. config.json is a file any program running as the user can write,
 * and the control socket's `config.reload` any of them can call, so a loosening that arrives
 * that way (a `policy.allow` entry, an allow rule, a `policy.approve` entry removed, raised
 * limits, an endpoint made read-write) is not in force until a person allows it at a prompt
 * (the popup, `keybroker approve`): meanwhile the gateway checks each call that would run
 * without asking against the policy confirmed here too, and holds it for a per-call approval
 * when that one would not let it through. A tightening is in force at once (the gateway
 * always applies the current config as well).
 *
 * The confirmed policy lives in this object (memory): the config the host started with,
 * replaced by a reload that loosens nothing, or by the config a person allowed at a prompt.
 * Each one is also remembered across restarts (`record`, D281): a start whose
 * config.json loosens the remembered policy starts on the remembered one, and the loosening
 * waits for a person as a live edit does, its lines saying it was made while KeyBroker was not
 * running. Nothing a config.json writer alone can write vouches for it.
 */
export class PolicyConsent extends DisposableBase {
  private confirmedConfig: Config;
  /** The one prompt up, by the hash of the policy it asks about: held calls share it; `withdraw` takes it down. */
  private asking: { readonly hash: string; readonly done: Promise<void>; readonly withdraw: AbortController } | undefined;
  /** When prompts a newer policy superseded were withdrawn, in the last minute (D283). */
  // Stryker disable next-line ArrayDeclaration: a string in the list fails the time filter (NaN), so it is gone at the first use.
  private withdrawnAt: number[] = [];
  /** The policy the person denied: not asked about again until config.json's policy changes. */
  private deniedHash: string | undefined;
  private readonly stop = new AbortController();
  /** Loosenings config.json had at start against the remembered policy: made while KeyBroker was not running. */
  private offline: ReadonlySet<string>;

  /**
   * `remembered`: the confirmed config of the last run (rememberedConfig), or undefined when
   * there is none to compare with (a first start), when `start` is taken as confirmed.
   */
  constructor(private readonly deps: AskUserDeps & { readonly timeoutMs: () => number; readonly record?: Pick<ConfirmedPolicyRecord, 'save' | 'saved'> }, start: Config, remembered?: Config) {
    super();
    // Security (D281): rules written while the host was not running are not
    // trusted for having been there at start; only what loosens nothing of the remembered policy is.
    const waiting = remembered ? policyLoosenings(remembered, start) : [];
    this.offline = new Set(waiting);
    this.confirmedConfig = waiting.length ? remembered! : start;
    if (!waiting.length) this.deps.record?.save(start);
  }

  /** The loosenings a start found against the remembered policy, waiting for a person (empty when none). */
  waitingAtStart(): string[] {
    return [...this.offline];
  }

  /** The config whose policy a person confirmed (or the host started with). */
  confirmed(): Config {
    return this.confirmedConfig;
  }

  /**
   * A reload read `next`: a config that loosens nothing of the confirmed policy becomes the
   * confirmed one at once (a tightening needs no consent). Returns the loosenings still
   * waiting for a person, in plain lines (empty when none).
   */
  observe(next: Config): string[] {
    const lines = policyLoosenings(this.confirmedConfig, next);
    // D274: read-only flags (and endpoints) it turned off unasked stay as confirmed.
    if (lines.length === 0) this.confirm(confirmable(this.confirmedConfig, next));
    return lines;
  }

  /**
   * A call that only `current`'s unconfirmed loosening would let run without asking:
   * ask the person whether to allow `current`'s policy, saying `first` (the call's own line)
   * first. One prompt at a time per policy; none while the person's deny of that same policy
   * stands. Does not wait for the answer: the call is held for its own approval meanwhile.
   * Returns the approval the person answers, when one is up or was raised now.
   */
  ask(current: Config, first: string, who: ConsentAsker): void {
    const hash = crypto.createHash('sha256').update(JSON.stringify(policyView(current))).digest('hex');
    if (this.asking?.hash === hash || this.deniedHash === hash || this.stop.signal.aborted) return;
    // Security (D283): one policy prompt at a time, about the newest policy. A
    // prompt config.json has since superseded is withdrawn, at most POLICY_PROMPTS_WITHDRAWN_PER_MINUTE
    // a minute; past that it stays up until answered or timed out, so a writer that keeps editing
    // cannot flash prompts or fill the audit. Allowing it still accepts only the policy it showed.
    if (this.asking && !this.supersede()) return;
    // Stryker disable next-line StringLiteral: askUser reads that its signal aborted, not the reason.
    this.asking?.withdraw.abort('cancelled');
    // Stryker disable next-line MethodExpression,ConditionalExpression: `first` is the gateway's per-call line ("… run on vc1 …"), never one of policyLoosenings' lines.
    const rest = policyLoosenings(this.confirmedConfig, current).filter((l) => l !== first);
    // D281: a loosening made while KeyBroker was not running says so; the call's own line too when every one was.
    // Stryker disable next-line Regex: every loosening line starts with "config.json ", so the first match is at its start.
    const offline = (l: string) => l.replace(/^config\.json /, 'config.json, changed while KeyBroker was not running, ');
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a held call's own loosening is among `rest`, so with no line from before the start every() is false anyway.
    const all = [this.offline.size > 0 && rest.every((l) => this.offline.has(l)) ? offline(first) : first, ...rest.map((l) => (this.offline.has(l) ? offline(l) : l))];
    // Security: allowing accepts every line, so none is hidden; past the cap the last line says how many more.
    const loosenings = all.length <= MAX_POLICY_LOOSENINGS ? all : [...all.slice(0, MAX_POLICY_LOOSENINGS - 1), `and ${all.length - MAX_POLICY_LOOSENINGS + 1} more changes: see 'keybroker policy list' before you allow them`];
    const subject: ApprovalSubject = { kind: 'policy', loosenings: loosenings.map((l) => fitLoosening(l)), hash };
    const withdraw = new AbortController();
    const done = askUser(this.deps, {
      client: who.client, server: who.server, endpoint: who.endpoint, subject,
      timeoutMs: this.deps.timeoutMs(), signal: AbortSignal.any([this.stop.signal, withdraw.signal]),
      events: { requested: 'approval.requested', allowed: 'policy.approved', denied: 'policy.denied' },
      fields: { server: who.server, endpoint: who.endpoint, client: who.client, reason: all[0]!.slice(0, 300) },
      answered: (a) => {
        // Security: the person allowed exactly the policy the prompt showed; a later edit is judged against it.
        if (a.outcome === 'allowed') this.confirm(current);
        if (a.outcome === 'denied') this.deniedHash = hash;
        return withdraw.signal.aborted ? { reason: 'config.json changed again: a prompt about its newer policy replaced this one' } : {};
      },
    }).then(() => {
      if (this.asking === asking) this.asking = undefined;
    });
    const asking = { hash, done, withdraw };
    this.asking = asking;
  }

  /** `config` is the confirmed policy now: in memory, and remembered for the next start. */
  private confirm(config: Config): void {
    this.confirmedConfig = config;
    this.offline = new Set();
    this.deps.record?.save(config);
  }

  /** Whether the prompt up may be withdrawn for a newer policy now: true at most POLICY_PROMPTS_WITHDRAWN_PER_MINUTE times a minute. */
  private supersede(): boolean {
    const now = this.deps.clock.now();
    this.withdrawnAt = this.withdrawnAt.filter((t) => t > now - 60_000);
    if (this.withdrawnAt.length >= POLICY_PROMPTS_WITHDRAWN_PER_MINUTE) return false;
    this.withdrawnAt.push(now);
    return true;
  }

  /** Settles once the confirmed policy is written where the next start reads it (a stopping host, tests). */
  async recorded(): Promise<void> {
    await this.deps.record?.saved();
  }

  /** Settles once the prompt now up is answered or withdrawn (tests). */
  async settled(): Promise<void> {
    await this.asking?.done;
  }

  override dispose(): void {
    // Stryker disable next-line StringLiteral: askUser reads that its signal aborted, not the reason.
    this.stop.abort('cancelled');
    super.dispose();
  }
}
