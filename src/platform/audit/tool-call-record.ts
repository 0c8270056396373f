import type { AuditRecord, ToolCallFields } from '../../base/contracts/audit-event.js';
import { AUDIT_FIELD_CHECKS as CHECK } from './check-audit-record.js';
import { AUDIT_MAX_ARG_NAMES, redactAuditString } from './redact-record.js';

/** The keys a `tool.called` record's fields may have (ToolCallFields); any other sends the record the generic way. */
const CALL_KEYS: ReadonlySet<string> = new Set<keyof ToolCallFields>([
  'endpoint', 'client', 'server', 'tool', 'outcome', 'durationMs', 'reason', 'argNames', 'objects', 'planSummary', 'planHash', 'decision', 'rule', 'ruleReason', 'limits',
]);

/**
 * The `tool.called` record as AuditLog writes it, built from a template (issue 17 item 3,
 * round 13): what `redactRecord(checkAuditRecord({ event: 'tool.called', ts, ...fields }))`
 * returns, field for field and in the schema's key order (so `JSON.stringify` of it is the
 * same line), or undefined whenever the generic way might decide otherwise: an unknown or
 * inherited key, an object that is not a plain one, a field its schema refuses. The caller
 * then takes the generic way, which decides and names the field.
 *
 * What it saves per call: the spread of the caller's object with `ts`, the walk of all 31 of
 * the schema's fields with an `in` per field, the checked copy and the redacted copy (one
 * object instead of three). Nothing is checked less: every field present goes through the
 * same check as in checkAuditRecord (AUDIT_FIELD_CHECKS, `ts` included) and, as a string,
 * through the same redaction (the free-text fields and the argument names; `outcome` and
 * `decision` are pinned, PINNED_AUDIT_FIELDS: checked, never redacted, there and here).
 *
 * @param ts the record's time, as AuditLog stamps it.
 * @param needles the live secrets' forms (secretNeedles), read once for this record.
 */
export function toolCallRecord(ts: string, fields: ToolCallFields, needles: readonly string[]): AuditRecord | undefined {
  // The gateway passes an object literal; anything else (a class, a null prototype) goes the generic way.
  if (Object.getPrototypeOf(fields) !== Object.prototype) return undefined;
  // Security: strict, like the schema: a key that is not a call field (a `password`, `event`,
  // `ts`, or one inherited: `for...in` sees those, as zod's walk does) refuses the template.
  for (const key in fields) if (!CALL_KEYS.has(key)) return undefined;
  if (!CHECK.ts(ts)) return undefined;
  const { endpoint, client, server, tool, outcome, durationMs, reason, argNames, objects, planSummary, planHash, decision, rule, ruleReason, limits } = fields;
  // The schema's key order (AuditRecord), fixed: the test holds it to the schema's.
  const out: Record<string, unknown> = { ts, event: 'tool.called' };
  if (endpoint !== undefined) {
    if (!CHECK.endpoint(endpoint)) return undefined;
    out['endpoint'] = redactAuditString(endpoint, needles);
  }
  if (client !== undefined) {
    if (!CHECK.client(client)) return undefined;
    out['client'] = redactAuditString(client, needles);
  }
  if (server !== undefined) {
    if (!CHECK.server(server)) return undefined;
    out['server'] = redactAuditString(server, needles);
  }
  if (tool !== undefined) {
    if (!CHECK.tool(tool)) return undefined;
    out['tool'] = redactAuditString(tool, needles);
  }
  if (outcome !== undefined) {
    // Pinned (an enum, PINNED_AUDIT_FIELDS): checked, never redacted, as in redactRecord.
    if (!CHECK.outcome(outcome)) return undefined;
    out['outcome'] = outcome;
  }
  if (durationMs !== undefined) {
    if (!CHECK.durationMs(durationMs)) return undefined;
    out['durationMs'] = durationMs;
  }
  if (reason !== undefined) {
    if (!CHECK.reason(reason)) return undefined;
    out['reason'] = redactAuditString(reason, needles);
  }
  if (argNames !== undefined && !putStrings(out, 'argNames', argNames, needles)) return undefined;
  if (objects !== undefined && !putStrings(out, 'objects', objects, needles)) return undefined;
  if (planSummary !== undefined) {
    if (!CHECK.planSummary(planSummary)) return undefined;
    out['planSummary'] = redactAuditString(planSummary, needles);
  }
  if (planHash !== undefined) {
    if (!CHECK.planHash(planHash)) return undefined;
    out['planHash'] = redactAuditString(planHash, needles);
  }
  if (decision !== undefined) {
    // Pinned (an enum, PINNED_AUDIT_FIELDS): checked, never redacted, as in redactRecord.
    if (!CHECK.decision(decision)) return undefined;
    out['decision'] = decision;
  }
  if (rule !== undefined) {
    if (!CHECK.rule(rule)) return undefined;
    out['rule'] = rule;
  }
  if (ruleReason !== undefined) {
    if (!CHECK.ruleReason(ruleReason)) return undefined;
    out['ruleReason'] = redactAuditString(ruleReason, needles);
  }
  if (limits !== undefined && !putStrings(out, 'limits', limits, needles)) return undefined;
  return out as AuditRecord;
}

/**
 * An array of strings as checkAuditRecord takes it (every element a string, read by index,
 * once) and redactRecord writes it (the first AUDIT_MAX_ARG_NAMES, each cleaned, then `…`).
 * False when the schema would refuse it.
 */
function putStrings(out: Record<string, unknown>, key: string, value: unknown, needles: readonly string[]): boolean {
  if (!Array.isArray(value)) return false;
  const length = value.length;
  const names: string[] = [];
  for (let i = 0; i < length; i++) {
    const item: unknown = value[i];
    // A hole reads as undefined, which is not a string: refused, as zod refuses it.
    if (typeof item !== 'string') return false;
    if (i < AUDIT_MAX_ARG_NAMES) names.push(redactAuditString(item, needles));
  }
  if (length > AUDIT_MAX_ARG_NAMES) names.push('…');
  out[key] = names;
  return true;
}
