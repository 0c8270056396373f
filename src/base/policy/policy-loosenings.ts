import type { Config } from '../contracts/config.js';
import type { PolicyRule, RateLimit } from '../contracts/policy.js';
import { describeToolListEntry } from './tool-list.js';
import { cutBefore } from '../surrogate-safe-cut.js';

/**
 * The parts of config.json that decide whether a change runs without a per-call approval
 * (D1-policyconsent): `policy.allow`, `policy.approve`, `policy.rules`, `policy.limits` and each
 * endpoint's `readOnly`. Nothing else in the file lets a write skip its prompt.
 */
export function policyView(config: Config): unknown {
  return { policy: config.policy, readOnly: config.endpoints.map((e) => [e.id, e.readOnly]) };
}

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

/** A rule as a person reads it: `vsphere_power_* on any endpoint when {…}`. */
export function describeRule(rule: PolicyRule): string {
  const tool = rule.server === '*' ? rule.tool : `${rule.server}/${rule.tool}`;
  const where = rule.endpoint === '*' ? 'any endpoint' : rule.endpoint;
  const when = rule.when ? ` when ${JSON.stringify(rule.when)}` : '';
  return `${tool} on ${where}${when} ("${rule.reason}")`;
}

/**
 * Whether `after`'s rules can let a call through that `before`'s would not: false only when
 * `after` is `before` with allow rules taken out, deny rules put in, and ask rules put in where
 * no deny rule of `before` comes after them (each can only make a first match ask or deny).
 * Anything else (an allow rule added or changed, a deny or ask rule removed, an order changed,
 * an ask put ahead of a deny) counts as a loosening: conservative.
 */
export function rulesLoosen(before: readonly PolicyRule[], after: readonly PolicyRule[]): boolean {
  const b = before.map((r) => JSON.stringify(r));
  const a = after.map((r) => JSON.stringify(r));
  // Security (E7-redteam): an ask rule put ahead of a kept deny turns a refusal into a prompt
  // a careless person can allow; denyFrom[i]: a deny rule is among before[i..].
  const denyFrom = before.map((r) => r.action === 'deny');
  denyFrom.push(false);
  // Stryker disable next-line ArithmeticOperator: starting at length + 1 only reads undefined past the end, as falsy as false.
  for (let i = before.length - 1; i >= 0; i--) denyFrom[i] = denyFrom[i]! || denyFrom[i + 1]!;
  // fits[i][j]: after[j..] is before[i..] with allow rules taken out and such rules put in.
  // Filled from the ends (at most 501 x 501 cells: rules are capped at 500).
  // Stryker disable next-line ArrayDeclaration,BooleanLiteral: every cell is written before it is read (filled from the ends), so neither the length nor the fill is seen.
  const fits: boolean[][] = Array.from({ length: b.length + 1 }, () => new Array<boolean>(a.length + 1).fill(false));
  for (let i = b.length; i >= 0; i--) {
    for (let j = a.length; j >= 0; j--) {
      fits[i]![j] = i === b.length && j === a.length
        // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: out of range one side is undefined and the other a string, so b[i] === a[j] is false either way.
        || (i < b.length && j < a.length && b[i] === a[j] && fits[i + 1]![j + 1]!)
        || (i < b.length && before[i]!.action === 'allow' && fits[i + 1]![j]!)
        || (j < a.length && (after[j]!.action === 'deny' || (after[j]!.action === 'ask' && !denyFrom[i])) && fits[i]![j + 1]!);
    }
  }
  return !fits[0]![0]!;
}

/** Whether `after`'s limits let more through than `before`'s: a rate dropped or changed, a cap raised. */
function limitsLoosen(before: Config['policy']['limits'], after: Config['policy']['limits']): boolean {
  if (after.maxObjectsPerCall > before.maxObjectsPerCall) return true;
  if (after.breaker.failures > before.breaker.failures || after.breaker.coolDownSeconds < before.breaker.coolDownSeconds) return true;
  return before.rates.some((r: RateLimit) => !after.rates.some((a) => same(a, r)));
}

/**
 * What `after` lets run without a per-call approval that `before` did not, one plain line
 * each ("config.json now lets vsphere/vsphere_power run without asking"); empty when `after`
 * is as strict as `before` or stricter. Tightenings are not listed: they need no one's consent.
 */
export function policyLoosenings(before: Config, after: Config): string[] {
  const lines: string[] = [];
  const had = new Set(before.policy.allow.map(describeToolListEntry));
  for (const e of after.policy.allow) {
    const name = describeToolListEntry(e);
    if (!had.has(name)) lines.push(`config.json now lets ${name} run without asking (policy.allow)`);
  }
  const approves = new Set(after.policy.approve.map(describeToolListEntry));
  for (const e of before.policy.approve) {
    const name = describeToolListEntry(e);
    if (!approves.has(name)) lines.push(`config.json no longer makes ${name} always ask (removed from policy.approve)`);
  }
  if (rulesLoosen(before.policy.rules, after.policy.rules)) {
    const listed = lines.length;
    after.policy.rules.forEach((r, i) => {
      if (r.action === 'allow' && !before.policy.rules.some((b) => same(b, r))) lines.push(`config.json now lets ${describeRule(r)} run without asking (policy.rules[${i}])`);
    });
    for (const r of before.policy.rules) {
      if (r.action !== 'allow' && !after.policy.rules.some((a) => same(a, r))) lines.push(`config.json no longer has the rule that made ${describeRule(r)} ${r.action === 'deny' ? 'refused' : 'ask'}`);
    }
    // An ask rule, new or moved, now ahead of a deny rule it was not ahead of: those calls ask instead of being refused.
    // Stryker disable next-line ArrayDeclaration: a rule absent from `before` has no denies after it; a non-rule element equals no deny either.
    const deniesAfter = (rules: readonly PolicyRule[], k: number) => (k < 0 ? [] : rules.slice(k + 1).filter((r) => r.action === 'deny'));
    after.policy.rules.forEach((r, i) => {
      if (r.action !== 'ask') return;
      const was = deniesAfter(before.policy.rules, before.policy.rules.findIndex((b) => same(b, r)));
      const overtaken = deniesAfter(after.policy.rules, i).filter((d) => before.policy.rules.some((b) => same(b, d)) && !was.some((w) => same(w, d)));
      if (overtaken.length) lines.push(`config.json now makes ${describeRule(r)} ask ahead of the rule that makes ${describeRule(overtaken[0]!)} refused, so some of those calls ask instead (policy.rules[${i}])`);
    });
    if (lines.length === listed) lines.push('config.json changed the order of policy.rules, so an allow rule now comes first for some calls');
  }
  if (limitsLoosen(before.policy.limits, after.policy.limits)) lines.push('config.json raises or removes blast-radius limits (policy.limits), so more changes run without asking');
  // An endpoint's flag matters only where something is allowed: with no allow, every change asks.
  const allows = after.policy.allow.length > 0 || after.policy.rules.some((r) => r.action === 'allow');
  for (const e of allows ? after.endpoints : []) {
    if (e.readOnly) continue;
    const old = before.endpoints.find((b) => b.id === e.id);
    if (!old) lines.push(`config.json adds the read-write endpoint ${e.id}`);
    else if (old.readOnly) lines.push(`config.json makes ${e.id} read-write (it was read-only)`);
  }
  return lines;
}

/**
 * The config to confirm for a reload `next` that loosens nothing of `confirmed`: `next`, but
 * with each endpoint `confirmed` had read-only still read-only and each endpoint it lacked left
 * out (counted as read-only). Security (E7-redteam): a read-write flag matters only once
 * something is allowed, so it loosens nothing while nothing is; confirmed as it was, it was
 * laundered: a writer who took the allows out and made vc1 read-write in one edit, then put the
 * person's own allows back, got a prompt that named only those allows, not that they now reach vc1.
 */
export function confirmable(confirmed: Config, next: Config): Config {
  const endpoints = next.endpoints.flatMap((e) => {
    const was = confirmed.endpoints.find((c) => c.id === e.id);
    if (!was) return [];
    return [was.readOnly && !e.readOnly ? { ...e, readOnly: true } : e];
  });
  const same = endpoints.length === next.endpoints.length && endpoints.every((e, i) => e === next.endpoints[i]);
  return same ? next : { ...next, endpoints };
}

/** How a loosening cut to fit its prompt ends: said, so the part not shown is not read as absent. */
export const LOOSENING_CUT = "… (cut here: 'keybroker policy list --json' shows the whole rule)";

/** The most of one loosening the popup and `keybroker approvals` show (their cut, which says nothing of where to read the rest). */
export const LOOSENING_SHOWN_CHARS = 400;

/**
 * `line` as the policy prompt carries it: whole when the approvers show it whole, else cut with
 * LOOSENING_CUT at its end, never inside a surrogate pair. Security (E7-redteam): a rule's `when`
 * runs to thousands of characters; cut with a bare "…", the end a person allowing the rule did
 * not see (a production folder after forty lab ones) read as if the rule ended there.
 */
export function fitLoosening(line: string, max = LOOSENING_SHOWN_CHARS): string {
  if (line.length <= max) return line;
  // One surrogate-safe cut for the project (D268), not a check of its own.
  return line.slice(0, cutBefore(line, max - LOOSENING_CUT.length)) + LOOSENING_CUT;
}
