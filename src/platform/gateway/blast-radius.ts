import type { PolicyLimits } from '../../base/contracts/policy.js';
import { globMatch } from '../../base/policy/glob.js';
import type { Clock } from '../ports/clock.js';

/** A limit a call hit: named in the approval it is held for (issue 14). */
export interface LimitHit {
  /** `rate`, `objects` or `breaker`. */
  readonly kind: 'rate' | 'objects' | 'breaker';
  /** One line that names the limit: "limit 'power or snapshot changes' (5 per 10 min on vc1) reached". */
  readonly message: string;
}

const span = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);

/**
 * Blast-radius limits per endpoint (issue 14): at most N calls of a tool group per window, at
 * most M objects per plan, and a breaker that opens after repeated upstream failures on an
 * endpoint and stays open for a cool-down. Time comes from the injectable Clock. State is in
 * memory: a host restart starts the windows afresh (DECISIONS).
 *
 * The state is the facts (when each counted call ran, failures in a row and when the last one
 * was), never a verdict under one config's numbers: so any limits can be checked against it,
 * config.json's and the confirmed ones a loosening of it has not replaced yet (D282).
 */
export class BlastRadius {
  /** endpoint → tool → times of its counted calls, oldest first. */
  private readonly calls = new Map<string, Map<string, number[]>>();
  /** endpoint → upstream failures in a row since its last success, and when the last one was. */
  private readonly failures = new Map<string, { inRow: number; lastAt: number }>();

  constructor(private readonly clock: Clock) {}

  /** The limits `tool` on `endpoint` with `objects` targets would exceed now, if it ran. */
  check(limits: PolicyLimits, tool: string, endpoint: string, objects: number): LimitHit[] {
    const now = this.clock.now();
    const hits: LimitHit[] = [];
    const counted = this.calls.get(endpoint);
    for (const rate of limits.rates) {
      if (!rate.tools.some((g) => globMatch(g, tool))) continue;
      const since = now - rate.windowSeconds * 1000;
      let recent = 0;
      for (const [name, times] of counted ?? []) {
        if (rate.tools.some((g) => globMatch(g, name))) recent += times.filter((t) => t > since).length;
      }
      if (recent >= rate.max) hits.push({ kind: 'rate', message: `limit '${rate.name}' reached: ${rate.max} per ${span(rate.windowSeconds)} on endpoint ${endpoint} (${recent} already)` });
    }
    if (objects > limits.maxObjectsPerCall) hits.push({ kind: 'objects', message: `limit 'objects per call' reached: this call targets ${objects} objects, more than ${limits.maxObjectsPerCall}` });
    const breaker = this.failures.get(endpoint);
    const openUntil = breaker && breaker.inRow >= limits.breaker.failures ? breaker.lastAt + limits.breaker.coolDownSeconds * 1000 : 0;
    if (openUntil > now) {
      hits.push({ kind: 'breaker', message: `breaker open on endpoint ${endpoint}: ${breaker!.inRow} upstream failures in a row; it closes in ${Math.ceil((openUntil - now) / 1000)} s` });
    }
    return hits;
  }

  /**
   * Count a call that is about to run, if a rate of `limits` names its tool. Given several
   * limits (config.json's and the confirmed ones), its time is kept for the longest window
   * of any of them that counts it.
   */
  record(limits: PolicyLimits | readonly PolicyLimits[], tool: string, endpoint: string): void {
    // A loop, not flatMap/filter: this runs for every call that has an endpoint (issue 17).
    let longest = 0;
    for (const l of Array.isArray(limits) ? limits as readonly PolicyLimits[] : [limits as PolicyLimits]) {
      for (const r of l.rates) if (r.windowSeconds > longest && r.tools.some((g) => globMatch(g, tool))) longest = r.windowSeconds;
    }
    if (longest === 0) return;
    const now = this.clock.now();
    const keepSince = now - longest * 1000;
    const counted = this.calls.get(endpoint) ?? new Map<string, number[]>();
    counted.set(tool, [...(counted.get(tool) ?? []).filter((t) => t > keepSince), now]);
    this.calls.set(endpoint, counted);
  }

  /** The upstream outcome of a call that ran: failures in a row open the breaker (under whichever limits are checked). */
  outcome(endpoint: string, failed: boolean): void {
    if (!failed) {
      this.failures.delete(endpoint);
      return;
    }
    const state = this.failures.get(endpoint) ?? { inRow: 0, lastAt: 0 };
    state.inRow += 1;
    state.lastAt = this.clock.now();
    this.failures.set(endpoint, state);
  }
}
