import { BugError } from '../../base/errors/core-error.js';

/** How the supervisor restarts crashed children and stops them (issue 4, "Supervisor"). */
export interface RestartPolicy {
  /** Delay before the first restart after a crash. */
  readonly baseDelayMs: number;
  /** Upper bound of the backoff delay. */
  readonly maxDelayMs: number;
  /** Each consecutive crash multiplies the delay by this. */
  readonly factor: number;
  /** This many crashes inside `crashLoopWindowMs` is a crash loop: give up, state `failed`. */
  readonly crashLoopCount: number;
  readonly crashLoopWindowMs: number;
  /** A child up this long has recovered: its next crash starts the backoff at `baseDelayMs` again. */
  readonly stableAfterMs: number;
  /** SIGTERM, then SIGKILL after this long. */
  readonly stopGraceMs: number;
}

/** The defaults: 250 ms doubling to 30 s; 5 crashes in 2 minutes is a crash loop. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = Object.freeze({
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  factor: 2,
  crashLoopCount: 5,
  crashLoopWindowMs: 120_000,
  stableAfterMs: 60_000,
  stopGraceMs: 5000,
});

/**
 * The defaults overridden by `partial`. A nonsensical policy (negative delay, factor below 1,
 * no crash allowed at all) is a wiring bug: it would restart in a tight loop or never.
 */
export function resolveRestartPolicy(partial: Partial<RestartPolicy> = {}): RestartPolicy {
  const p: RestartPolicy = { ...DEFAULT_RESTART_POLICY, ...partial };
  const nonNegative = ['baseDelayMs', 'maxDelayMs', 'crashLoopWindowMs', 'stableAfterMs', 'stopGraceMs'] as const;
  for (const key of nonNegative) {
    if (!Number.isFinite(p[key]) || p[key] < 0) throw new BugError(`restart policy ${key} must be a finite number >= 0, got ${p[key]}`);
  }
  if (!Number.isFinite(p.factor) || p.factor < 1) throw new BugError(`restart policy factor must be >= 1, got ${p.factor}`);
  if (!Number.isInteger(p.crashLoopCount) || p.crashLoopCount < 1) throw new BugError(`restart policy crashLoopCount must be an integer >= 1, got ${p.crashLoopCount}`);
  if (p.maxDelayMs < p.baseDelayMs) throw new BugError('restart policy maxDelayMs must not be below baseDelayMs');
  return Object.freeze(p);
}

/**
 * Delay before restarting after the `streak`-th consecutive crash (1-based):
 * `baseDelayMs * factor^(streak-1)`, capped at `maxDelayMs`.
 */
export function backoffDelay(policy: RestartPolicy, streak: number): number {
  const exponent = Math.max(0, streak - 1);
  // Capped before it can overflow to Infinity on a very long streak.
  const delay = policy.baseDelayMs * policy.factor ** exponent;
  return Number.isFinite(delay) ? Math.min(policy.maxDelayMs, delay) : policy.maxDelayMs;
}
