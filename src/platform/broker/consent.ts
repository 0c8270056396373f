import type { ApprovalDecision } from '../../base/contracts/approval.js';
import { SharedRead } from '../../base/lifecycle/shared-read.js';
import { askUser, type AskUserDeps } from '../approvals/ask-user.js';
import { auditCommand } from '../audit/audit-command.js';
import { TokenDenied } from './token-denied.js';
import type { UnlockCache } from './unlock-cache.js';
import { configServerKey, coolDownCredential, coolDownKey, promptKey } from './asker-keys.js';
import type { UnlockHosts } from '../../base/upstream-hosts.js';
import type { ConfigServer } from './child-link.js';
import { monotonicNow } from '../ports/clock.js';

/** Who is asking, for the prompt and the audit trail. */
export interface Requester {
  /** The MCP client on whose behalf, when the gateway can tell; else a description of the child. */
  readonly client: string;
  /** The child (server) that asked: `vsphere`, `p6`. */
  readonly server: string;
  /** Set when that server is one config.json added (C7-firstuse): the prompt names it as such. */
  readonly fromConfig?: ConfigServer;
}

/** The key an unlock remembers a server config.json added by; undefined for a built-in server. */
function configServerOf(who: Pick<Requester, 'server' | 'fromConfig'>): string | undefined {
  return who.fromConfig ? configServerKey(who.server, who.fromConfig.command, who.fromConfig.codeSha256) : undefined;
}

/**
 * Which endpoint asks and where the credential's password goes during the unlock (Y7-bindpw):
 * the prompt names the hosts, and a cached unlock serves only an endpoint whose host it named.
 */
export interface UnlockTarget {
  /** The endpoint that asks (`vc1`). */
  readonly endpoint: string;
  /** Its upstream host now (`upstreamHost(endpoint.url)`). */
  readonly host: string;
  /**
   * Every host the credential logs in to (unlockHosts): shown, and what an allow covers.
   * Read once, only to raise or join a prompt, so a caller may compute it lazily (a getter).
   */
  readonly hosts: UnlockHosts;
  /**
   * The stored password has no recorded servers yet (D222): the prompt says that
   * allowing binds it to `hosts`, and a cached unlock does not stand in for that consent.
   */
  readonly unbound?: boolean;
}

/** How the user let a credential be used. */
export type UnlockMode = 'ttl' | 'once';

interface Outcome {
  readonly decision: ApprovalDecision;
  /**
   * Set when the prompt was withdrawn (or could not be shown) rather than answered;
   * 'abandoned': every request waiting for it was cancelled.
   */
  readonly withdrawn?: 'timeout' | 'lock' | 'failed' | 'abandoned';
  /** How long the prompt waited before it counted as unanswered, in seconds. */
  readonly timeoutSeconds: number;
}

interface Prompt {
  readonly credential: string;
  /** Its key in the prompts map (credential and hosts). */
  readonly key: string;
  /** The approval id the person sees (`keybroker approvals`), to name another requester on it. */
  readonly id: string;
  /** The server config.json added that the prompt is for ({@link configServerOf}); undefined for built-in servers. */
  readonly server: string | undefined;
  /** The requesters still waiting, oldest first, one entry per request (an object each, so equal names stay apart). */
  readonly askers: Requester[];
  /** The requester the prompt names now. */
  named: Requester;
  /** The askers wait here, each with its own cancellation; the last one gone withdraws the prompt. */
  readonly outcome: SharedRead<Outcome>;
  /** Withdraws the prompt for everyone (lock, shutdown). */
  readonly abort: AbortController;
}

/**
 * After the person denies an unlock, children's requests for that credential are refused
 * without a prompt this long (Y2-auditflood): a compromised or looping child must not raise
 * the prompt again the moment the person said no, until they click yes to make it stop
 * (prompt bombing). Two minutes outlasts a model's retry loop (seconds) many times over,
 * and is short enough that a person who changed their mind is asked again soon without any
 * command; `keybroker lock NAME` (or Lock all, or an edit of the credential) ends it at once.
 */
export const DENY_COOLDOWN_MS = 2 * 60_000;

/** The reason recorded when the prompt is withdrawn because nobody waits for it any more. */
const ABANDONED = 'withdrawn: every request waiting for it was cancelled';

/**
 * The consent gate in front of every credential: returns at once while the credential is
 * unlocked, else asks the Approver. Concurrent askers for one credential share exactly one
 * prompt; an unanswered prompt is a denial after `promptTimeoutMs`.
 */
export class Consent {
  private readonly prompts = new Map<string, Prompt>();
  /**
   * Until when (monotonicNow's time) each denied credential is in its cool-down. Keyed by
   * credential, not by the child: a restarted child (new pid) or another child on the same
   * credential gets no new prompt either. In memory: a host restart, a person's act, ends it. A
   * deny of a prompt that named a server config.json added cools down that server only
   * ({@link coolDownKey}): the person said no to it, not to the built-in servers.
   */
  private readonly coolDowns = new Map<string, number>();

  constructor(
    private readonly deps: AskUserDeps & {
      readonly cache: UnlockCache;
      readonly promptTimeoutMs: () => number;
    },
  ) {}

  /**
   * Resolve when the user allows `credential` for `target`; throw TokenDenied otherwise.
   * When `signal` aborts (the child cancelled its request) this asker stops waiting at once,
   * rejecting with the signal's reason; the prompt is withdrawn only when no other asker
   * still waits for it (an asker without a signal never goes).
   */
  async ensureUnlocked(credential: string, ttlSeconds: number, target: UnlockTarget, who: Requester, signal?: AbortSignal): Promise<UnlockMode> {
    // Security: an unlock the user allowed for other hosts (the config was pointed elsewhere
    // since) does not send the password to this one; the user is asked, and sees the host.
    // Security (C7-firstuse): a server config.json added is served only by an unlock whose
    // prompt named it: the person's allow for another requester is not consent for it.
    if (!target.unbound && this.deps.cache.covers(credential, target.host, configServerOf(who))) return 'ttl';
    // A request cancelled before it got here shows no prompt at all.
    signal?.throwIfAborted();
    const endpoint = target.endpoint;
    this.refuseInCoolDown(credential, endpoint, who);
    const { decision, withdrawn, timeoutSeconds } = await this.wait(this.prompt(credential, ttlSeconds, target, who), who, signal);
    // Issue 11: say what happened. Only a real "deny" is "denied by the user".
    // Only a signal-less asker could still be here, and it never leaves; kept for a clear denial.
    if (withdrawn === 'abandoned') throw new TokenDenied('denied', `the unlock prompt for ${endpoint} was withdrawn because its requests were cancelled; ask again`);
    if (withdrawn === 'lock') throw new TokenDenied('locked', `${endpoint} was locked while waiting for approval; ask again to get a new prompt`);
    if (withdrawn === 'failed') throw new TokenDenied('denied', `the unlock prompt for ${endpoint} could not be shown; check 'keybroker status' and ask again`);
    if (withdrawn === 'timeout') throw new TokenDenied('denied', `nobody answered the unlock prompt for ${endpoint} within ${timeoutSeconds} s; ask again and approve the prompt (or 'keybroker approve ID')`);
    if (decision === 'deny') throw new TokenDenied('denied', `access to ${endpoint} was denied by the user; ask them to approve it, or run 'keybroker approvals'`);
    return decision === 'allow-ttl' ? 'ttl' : 'once';
  }

  /**
   * Whether a live session of `credential`'s endpoint at `host` may go to `who` without a
   * prompt: always for a built-in server; for a server config.json added, only while the
   * unlock in force was allowed by a prompt that named it (C7-firstuse).
   */
  serves(credential: string, host: string, who: Pick<Requester, 'server' | 'fromConfig'>): boolean {
    const server = configServerOf(who);
    return server === undefined || this.deps.cache.covers(credential, host, server);
  }

  /** Epoch ms until which `credential` stays unlocked, or undefined when locked. */
  unlockedUntil(credential: string): number | undefined {
    return this.deps.cache.unlockedUntil(credential);
  }

  /** Drop the cached unlock of `credential`, so its next use asks the user again. */
  forget(credential: string): void {
    this.deps.cache.lock(credential);
  }

  /**
   * Withdraw the pending prompts for `credential` (lock while asking): their askers are denied.
   * The person locked or edited it: a deny's cool-down ends too, so the next use asks again.
   */
  cancel(credential: string): void {
    for (const held of [...this.coolDowns.keys()]) if (coolDownCredential(held) === credential) this.coolDowns.delete(held);
    for (const p of this.promptsOf(credential)) p.abort.abort();
  }

  /** The pending prompts for `credential`: one per set of hosts it was asked for (the map is keyed by both). */
  private promptsOf(credential: string): Prompt[] {
    return [...this.prompts.values()].filter((p) => p.credential === credential);
  }

  /**
   * Security: in a deny's cool-down a child's request gets no prompt (prompt bombing wears
   * people down into clicking yes). A prompt already on screen is still joined: the person
   * may be answering it.
   */
  private refuseInCoolDown(credential: string, endpoint: string, who: Requester): void {
    const server = configServerOf(who);
    // A prompt on screen that this asker would join (one for the same server config.json added, or for built-in servers).
    if (this.promptsOf(credential).some((p) => p.server === server)) return;
    // A server config.json added is refused in the built-in servers' cool-down and in its own.
    // (For a built-in server both are the credential's own key.)
    const keys = [coolDownKey(credential), coolDownKey(credential, server)];
    // Security (E3-tidy): monotonic time: a step of the wall clock neither ends nor lengthens the cool-down.
    const now = monotonicNow(this.deps.clock);
    let left = 0;
    for (const key of keys) {
      const until = this.coolDowns.get(key);
      if (until === undefined) continue;
      if (until - now <= 0) this.coolDowns.delete(key);
      else left = Math.max(left, until - now);
    }
    if (left <= 0) return;
    throw new TokenDenied('denied', `access to ${endpoint} was denied by the user; KeyBroker will not ask them again for ${Math.ceil(left / 1000)} s (or until they run 'keybroker lock ${endpoint}')`, false, true);
  }

  /**
   * Wait on `prompt` as `who`. Security: when the requester the prompt names stops waiting
   * and another still waits, the prompt names the oldest of those (Z3-renew): the person
   * must not approve for one client while the unlock goes to another. When none waits, the
   * SharedRead withdraws the prompt.
   */
  private async wait(prompt: Prompt, who: Requester, signal: AbortSignal | undefined): Promise<Outcome> {
    const me: Requester = { ...who };
    prompt.askers.push(me);
    try {
      return await prompt.outcome.join(signal);
    } finally {
      prompt.askers.splice(prompt.askers.indexOf(me), 1);
      // Only a prompt still up (answered ones leave the map) and still wanted is renamed.
      if (signal?.aborted && this.prompts.get(prompt.key) === prompt && !prompt.outcome.abandoned) this.rename(prompt);
    }
  }

  /** Name the oldest requester still waiting on `prompt`, if it is not the one named. */
  private rename(prompt: Prompt): void {
    const next = prompt.askers[0];
    if (!next || (next.client === prompt.named.client && next.server === prompt.named.server)) return;
    // Only a prompt the approver could rename names `next` in its records: what the person saw.
    if (this.deps.approver.retarget?.(prompt.id, { client: next.client, server: next.server })) prompt.named = next;
  }

  /** Withdraw every pending prompt (shutdown, lock all). */
  cancelAll(): void {
    for (const p of this.prompts.values()) p.abort.abort();
  }

  private prompt(credential: string, ttlSeconds: number, target: UnlockTarget, who: Requester): Prompt {
    const { endpoint } = target;
    const server = configServerOf(who);
    const fromConfig = who.fromConfig;
    // D2-modulebytes: this unlock allowed the server with other code: the prompt says it changed.
    const codeChanged = server !== undefined && this.deps.cache.namedOtherCode(credential, server);
    // Read once, and only here: an allowed or refused request never needs the list (D197).
    const { hosts, moreHosts, all: allHosts } = target.hosts;
    const all = [...allHosts];
    // Security: askers share a prompt only when it names the same hosts: one whose config now
    // points elsewhere is not let in on an answer given for other servers.
    // A prompt that binds an unbound password is not shared with one that does not say so.
    // Security (C7-firstuse): a server config.json added shares a prompt only with requests of
    // that same server (and command): an answer to a prompt naming another is not its consent.
    // Stryker disable next-line EqualityOperator: equivalent; `!==` flips the flag for every asker alike, and keys are only compared.
    const key = promptKey(credential, all, target.unbound === true, server);
    const existing = this.prompts.get(key);
    // An abandoned prompt is being withdrawn; a new asker gets a prompt of its own.
    if (existing && !existing.outcome.abandoned) return existing;

    const abort = new AbortController();
    const id = this.deps.newApprovalId();
    const outcome = new SharedRead<Outcome>((abandoned) => askUser(this.deps, {
      id, client: who.client, server: who.server, endpoint, subject: { kind: 'unlock', credential, ttlSeconds, hosts, ...(moreHosts && { moreHosts }), ...(target.unbound && { unbound: true }), ...(fromConfig && { fromConfig: { command: fromConfig.command, codeSha256: fromConfig.codeSha256, ...(codeChanged && { codeChanged }) } }) },
      timeoutMs: this.deps.promptTimeoutMs(), signal: AbortSignal.any([abort.signal, abandoned]),
      events: { requested: 'unlock.requested', allowed: 'unlock.approved', denied: 'unlock.denied' },
      // D7-redteam: a long command keeps its module (its end) in the records, not only its start.
      fields: { credential, endpoint, client: who.client, server: who.server, hosts: all, ...(fromConfig && { command: auditCommand(fromConfig.command), codeSha256: fromConfig.codeSha256 }) },
      // D222: the request's record says the person was asked to bind the password, not only to unlock it.
      requested: { ttlSeconds, ...(target.unbound && { unbound: true }) },
      answered: ({ decision, outcome: how }) => {
        if (this.prompts.get(key) === prompt) this.prompts.delete(key);
        // The answer's record names the requester the prompt named when it was answered.
        const named = { client: prompt.named.client, server: prompt.named.server };
        if (how === 'cancelled' && !abort.signal.aborted) return { ...named, reason: ABANDONED };
        if (decision === 'deny') return named;
        // Before the record is written: 'unlock.approved' never precedes the unlock it reports.
        // An allow of a prompt naming a server config.json added lets the unlock serve that server too.
        if (decision === 'allow-ttl') this.deps.cache.unlock(credential, ttlSeconds * 1000, all, server);
        return { ...named, ttlSeconds: decision === 'allow-ttl' ? ttlSeconds : 0, reason: decision === 'allow-once' ? 'allow once' : undefined };
      },
    }).then(({ outcome: how, decision, timeoutMs }): Outcome => {
      const withdrawn = how === 'timeout' ? 'timeout'
        : how === 'cancelled' ? (abort.signal.aborted ? 'lock' : 'abandoned')
          : how === 'failed' ? 'failed' : undefined;
      // Only the person's own "deny" starts a cool-down; an unanswered or withdrawn prompt does not.
      if (withdrawn === undefined && decision === 'deny') this.coolDowns.set(coolDownKey(credential, server), monotonicNow(this.deps.clock) + DENY_COOLDOWN_MS);
      return { decision, withdrawn, timeoutSeconds: Math.round(timeoutMs / 1000) };
    }));
    const prompt: Prompt = { credential, key, id, server, askers: [], named: who, outcome, abort };
    // An ask that failed outright (its audit threw) must not leave a prompt every later asker shares.
    outcome.done.catch(() => {
      if (this.prompts.get(key) === prompt) this.prompts.delete(key);
    });
    this.prompts.set(key, prompt);
    return prompt;
  }
}

