import type { Disposable } from '../../base/lifecycle/disposable.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import { Emitter } from '../../base/events/emitter.js';
import type { Clock } from '../ports/clock.js';
import { withoutCode } from './asker-keys.js';

interface Unlock {
  readonly until: number;
  readonly timer: Disposable;
  /** The upstream hosts the user saw when allowing it: the only ones it lets the password go to. */
  readonly hosts: ReadonlySet<string>;
  /**
   * The servers config.json added that a prompt the person allowed for this unlock named
   * (C7-firstuse), by {@link configServerKey}: the only ones of them it serves. In memory
   * only, like the unlock: a config.json writer cannot plant one, and a lock or the TTL ends it.
   */
  readonly servers: ReadonlySet<string>;
}

/**
 * Which credentials the user has allowed, and until when (DESIGN.md "Unlock").
 * Only "allow for the TTL" is cached here; "allow once" never is. Expiry is both lazy
 * (checked on every read) and eager (a timer fires `onDidExpire`, so sessions are logged
 * out at the TTL even when nobody asks).
 */
export class UnlockCache extends DisposableBase {
  private readonly unlocks = new Map<string, Unlock>();
  private readonly _onDidExpire = this.register(new Emitter<string>());
  /** Fires with the credential id when its TTL runs out. */
  readonly onDidExpire = this._onDidExpire.event;

  constructor(private readonly clock: Clock) {
    super();
  }

  /** Epoch ms until which `credential` is unlocked, or undefined when locked. */
  unlockedUntil(credential: string): number | undefined {
    const u = this.unlocks.get(credential);
    if (!u) return undefined;
    if (this.clock.now() >= u.until) {
      this.expire(credential);
      return undefined;
    }
    return u.until;
  }

  /**
   * True when `credential` is unlocked and the user allowed it for `host` (Y7-bindpw).
   * Security: an unlock covers the hosts its prompt named, not whatever the config says later.
   */
  covers(credential: string, host: string, server?: string): boolean {
    if (this.unlockedUntil(credential) === undefined) return false;
    const u = this.unlocks.get(credential);
    // Security (C7-firstuse): a server config.json added is served only by an unlock a prompt naming it allowed.
    // Stryker disable next-line OptionalChaining: the unlock is there; unlockedUntil just returned its time.
    return u?.hosts.has(host) === true && (server === undefined || u.servers.has(server));
  }

  /**
   * Unlock `credential` for `ttlMs` from now for `hosts`, replacing any earlier unlock; `server`
   * (a {@link configServerKey}) is the server config.json added that the allowing prompt named.
   * The servers the replaced unlock named stay named when it named the same hosts.
   */
  // Stryker disable next-line ArrayDeclaration: the one caller, Consent, always passes the prompt's hosts.
  unlock(credential: string, ttlMs: number, hosts: Iterable<string> = [], server?: string): number {
    const allowed = new Set(hosts);
    const before = this.unlockedUntil(credential) === undefined ? undefined : this.unlocks.get(credential);
    // Stryker disable next-line ArrayDeclaration: a configServerKey is a JSON array; an entry that is none is never asked for.
    const servers = new Set(before && sameSet(before.hosts, allowed) ? before.servers : []);
    // Stryker disable next-line ConditionalExpression: an undefined entry is never asked for (covers serves `undefined` before reading the set).
    if (server !== undefined) servers.add(server);
    this.drop(credential);
    const until = this.clock.now() + ttlMs;
    const timer = this.clock.setTimer(ttlMs, () => this.expire(credential));
    this.unlocks.set(credential, { until, timer, hosts: allowed, servers });
    return until;
  }

  /**
   * True when the unlock of `credential` named `server` (a {@link configServerKey}) with other
   * code: the same server and command, another digest. Its module was rewritten since the
   * person allowed it (D2-modulebytes), and the prompt says so.
   */
  namedOtherCode(credential: string, server: string): boolean {
    if (this.unlockedUntil(credential) === undefined) return false;
    // Stryker disable next-line OptionalChaining: the unlock is there; unlockedUntil just returned its time.
    const named = this.unlocks.get(credential)?.servers ?? new Set<string>();
    return [...named].some((k) => k !== server && withoutCode(k) === withoutCode(server));
  }

  /** Forget the unlock without firing `onDidExpire`; true when one existed. */
  lock(credential: string): boolean {
    return this.drop(credential);
  }

  /** Every currently unlocked credential id. */
  unlocked(): string[] {
    return [...this.unlocks.keys()].filter((c) => this.unlockedUntil(c) !== undefined);
  }

  private expire(credential: string): void {
    if (this.drop(credential)) this._onDidExpire.fire(credential);
  }

  private drop(credential: string): boolean {
    const u = this.unlocks.get(credential);
    if (!u) return false;
    u.timer.dispose();
    this.unlocks.delete(credential);
    return true;
  }

  override dispose(): void {
    for (const c of [...this.unlocks.keys()]) this.drop(c);
    super.dispose();
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
