import { FACT_NAMES, type FactName, type PolicyAction, type PolicyRule, type TargetFacts, type When } from '../contracts/policy.js';
import { globMatch } from './glob.js';
import { inTimeWindow } from './time-window.js';

/** A condition's value: true, false, or unknown (a fact the plan did not give, no plan at all). */
type Truth = true | false | 'unknown';

/** What a call is, for the rules: who, which tool, where, and what its plan resolved. */
export interface PolicySubject {
  readonly server: string;
  readonly tool: string;
  /** The endpoint the call targets; undefined when none (a read without one). */
  readonly endpoint: string | undefined;
  /** One facts object per target the plan resolved; undefined when there was no plan (reads). */
  readonly facts: readonly TargetFacts[] | undefined;
  /** Now, from the injectable Clock. */
  readonly now: number;
  /** The time zone of a window that names none: the user's. */
  readonly timeZone: string;
}

/** Which rule decided, and why; `rule` is absent when no rule matched (the default). */
export interface PolicyDecision {
  readonly action: PolicyAction;
  /** Index in `policy.rules`. */
  readonly rule?: number;
  /** One line for the person and the audit. */
  readonly reason: string;
  /** Rules skipped because their `when` could not be evaluated, with what was missing. */
  readonly unevaluated: readonly { rule: number; missing: string }[];
}

const and = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === 'unknown' || b === 'unknown' ? 'unknown' : true);
const or = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === 'unknown' || b === 'unknown' ? 'unknown' : false);

function factTruth(name: FactName, patterns: string | string[], facts: TargetFacts | undefined, missing: Set<string>): Truth {
  const value = facts?.[name];
  // An empty string is a value (a VM directly in the datacenter's VM folder); only absence is unknown.
  if (value === undefined) {
    missing.add(name);
    return 'unknown';
  }
  const globs = typeof patterns === 'string' ? [patterns] : patterns;
  const values = typeof value === 'string' ? [value] : value;
  return globs.some((g) => values.some((v) => globMatch(g, v)));
}

/** `when` for one target. */
function whenTruth(when: When, facts: TargetFacts | undefined, subject: PolicySubject, missing: Set<string>): Truth {
  let truth: Truth = true;
  for (const name of FACT_NAMES) {
    const patterns = when[name];
    if (patterns !== undefined) truth = and(truth, factTruth(name, patterns, facts, missing));
  }
  if (when.time) truth = and(truth, inTimeWindow(when.time, subject.now, subject.timeZone));
  if (when.any) truth = and(truth, when.any.reduce<Truth>((acc, w) => or(acc, whenTruth(w, facts, subject, missing)), false));
  return truth;
}

/** `when` over every target: it must hold for each of them. */
function ruleTruth(when: When | undefined, subject: PolicySubject, missing: Set<string>): Truth {
  if (!when) return true;
  const targets = subject.facts && subject.facts.length > 0 ? subject.facts : [undefined];
  // Only read when the `when` turns out unknown, which takes a fact (a time-only `when` never is).
  if (!subject.facts) missing.add('plan');
  return targets.reduce<Truth>((acc, facts) => and(acc, whenTruth(when, facts, subject, missing)), true);
}

/** Whether a rule's server, tool and endpoint globs match the call. */
export function ruleApplies(rule: PolicyRule, subject: Pick<PolicySubject, 'server' | 'tool' | 'endpoint'>): boolean {
  if (!globMatch(rule.server, subject.server) || !globMatch(rule.tool, subject.tool)) return false;
  return rule.endpoint === '*' || (subject.endpoint !== undefined && globMatch(rule.endpoint, subject.endpoint));
}

/**
 * Evaluate `policy.rules` in order (issue 14): the first rule that applies and whose `when`
 * holds decides. Security: a rule whose `when` cannot be evaluated (a fact missing, the
 * inventory unreachable, no plan) never allows: a deny rule then denies, any other rule is
 * skipped and noted, so the call falls through to later rules and at worst to `fallback`.
 */
export function evaluateRules(rules: readonly PolicyRule[], subject: PolicySubject, fallback: { action: PolicyAction; reason: string }): PolicyDecision {
  const unevaluated: { rule: number; missing: string }[] = [];
  for (const [index, rule] of rules.entries()) {
    if (!ruleApplies(rule, subject)) continue;
    const missing = new Set<string>();
    const truth = ruleTruth(rule.when, subject, missing);
    if (truth === true) return { action: rule.action, rule: index, reason: rule.reason, unevaluated };
    if (truth === 'unknown') {
      // Unknown only comes from a missing fact, so `missing` names at least one.
      const what = [...missing].join(', ');
      if (rule.action === 'deny') return { action: 'deny', rule: index, reason: `${rule.reason} (applied because ${what} could not be checked)`, unevaluated };
      unevaluated.push({ rule: index, missing: what });
    }
  }
  const note = unevaluated.length ? `; ${unevaluated.map((u) => `policy.rules[${u.rule}] skipped (${u.missing} unknown)`).join(', ')}` : '';
  return { action: fallback.action, reason: `${fallback.reason}${note}`, unevaluated };
}
