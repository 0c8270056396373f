import { z } from 'zod';
import { AUDIT_EVENTS, AuditRecord } from '../../base/contracts/audit-event.js';

/** One field's check: true exactly when the field's schema in AuditRecord accepts `value` (never undefined here). */
export type FieldCheck = (value: unknown) => boolean;

// The same pattern the schema's `z.iso.datetime()` tests (zod's own regex, not a copy, with
// the same defaults: no offset, not local, any precision):
// test/platform/audit/check-audit-record.test.ts checks that it is the schema's.
const DATETIME = z.regexes.datetime({});
const KEY_ID = /^[0-9a-f]{16}$/;
/** An Ed25519 signature in base64: 64 bytes are 86 characters and `==`. */
const SIG = /^[A-Za-z0-9+/]{86}==$/;
const EVENTS: ReadonlySet<unknown> = new Set<unknown>(AUDIT_EVENTS);
const OUTCOMES: ReadonlySet<unknown> = new Set<unknown>(['ok', 'denied', 'failed', 'timeout', 'cancelled']);
const DECISIONS: ReadonlySet<unknown> = new Set<unknown>(['allow', 'ask', 'deny']);

const isString: FieldCheck = (v) => typeof v === 'string';
const isDatetime: FieldCheck = (v) => typeof v === 'string' && DATETIME.test(v);
/** Arrays are checked where they are copied (copyStrings), each element read once. */
const isArray: FieldCheck = (v) => Array.isArray(v);
const isNonNegativeInt: FieldCheck = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const isPositiveInt: FieldCheck = (v) => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * Every field of AuditRecord with its schema's check, written out. A `Record` over the
 * record's keys, so a field added to (or removed from) the contract does not compile until
 * it is added here; the differential property test holds each check to the schema's.
 */
export const AUDIT_FIELD_CHECKS: Readonly<Record<keyof AuditRecord, FieldCheck>> = {
  ts: isDatetime,
  event: (v) => EVENTS.has(v),
  endpoint: isString,
  credential: isString,
  client: isString,
  server: isString,
  tool: isString,
  outcome: (v) => OUTCOMES.has(v),
  // Number.isFinite is false for anything that is not a number (it does not convert).
  durationMs: (v) => Number.isFinite(v) && (v as number) >= 0,
  code: isString,
  reason: isString,
  argNames: isArray,
  objects: isArray,
  planSummary: isString,
  planHash: isString,
  decision: (v) => DECISIONS.has(v),
  rule: isNonNegativeInt,
  ruleReason: isString,
  limits: isArray,
  tools: isArray,
  hosts: isArray,
  unbound: (v) => v === true,
  command: isString,
  codeSha256: (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v),
  pid: isPositiveInt,
  approvalId: isString,
  ttlSeconds: isNonNegativeInt,
  expiresAt: isDatetime,
  count: isPositiveInt,
  since: isDatetime,
  last: isDatetime,
  keyId: (v) => typeof v === 'string' && KEY_ID.test(v),
  sig: (v) => typeof v === 'string' && SIG.test(v),
};

/** The schema's keys in its order (the order zod writes its output in), each with its check. */
const FIELDS: readonly (readonly [string, FieldCheck, boolean])[] = Object.entries(AuditRecord.shape).map(([key, schema]) => {
  // Required: the field's schema refuses `undefined` (`ts`, `event`), read from the schema itself.
  const required = !schema.safeParse(undefined).success;
  return [key, AUDIT_FIELD_CHECKS[key as keyof AuditRecord], required] as const;
});
const KNOWN: ReadonlySet<string> = new Set(FIELDS.map(([key]) => key));
// A field of the schema without a check here (it cannot compile, but a cast could hide it)
// would make every record fall back to zod: correct, only slower.
const COMPLETE = FIELDS.every(([, check]) => typeof check === 'function') && FIELDS.length === Object.keys(AUDIT_FIELD_CHECKS).length;

/**
 * The AuditRecord check without zod's generic machinery, for the audit append on every
 * tool call (issue 17): the record as `AuditRecord.safeParse` would return it, or undefined
 * when the value is not one zod would accept, or not one this check covers (then ask zod,
 * which says why). It never says yes where the schema says no, and returns exactly what the
 * schema returns: the same keys in the schema's order (a key present with `undefined` kept,
 * as zod keeps it), arrays copied; test/platform/audit/check-audit-record.test.ts holds it
 * to that over generated records.
 *
 * Why: inside the host, zod's shared parse code also runs every MCP message through the
 * SDK's schemas, and a strict object of 28 optional fields makes a parse result for each
 * of them; in place that cost ~30 µs a record against ~2 µs in a loop (PERFORMANCE §4 round 4).
 */
export function checkAuditRecord(value: unknown): AuditRecord | undefined {
  // Only plain objects (AuditLog builds one by spreading the caller's input) and ones
  // without a prototype; anything else goes to zod.
  if (!COMPLETE || typeof value !== 'object' || value === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const input = value as Record<string, unknown>;
  // Security: strict, like the schema: a key that is not a field (`password`, `__proto__`,
  // an inherited one: zod walks `for...in` too) refuses the record.
  for (const key in input) if (!KNOWN.has(key)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, check, required] of FIELDS) {
    // `in`, as zod asks whether an optional key is present.
    if (!(key in input)) {
      if (required) return undefined;
      continue;
    }
    const v = input[key];
    if (v === undefined) {
      if (required) return undefined;
    } else if (!check(v)) return undefined;
    if (Array.isArray(v)) {
      const copy = copyStrings(v);
      if (!copy) return undefined;
      out[key] = copy;
    } else out[key] = v;
  }
  return out as AuditRecord;
}

/** A plain copy of an array of strings, as zod builds it, or undefined if an element is not a string. */
function copyStrings(v: readonly unknown[]): string[] | undefined {
  // Stryker disable next-line ArrayDeclaration: sized up front only to spare the growing; every index is written below
  const out = new Array<string>(v.length);
  // By index, as zod reads an array: a hole is `undefined`, which is not a string.
  for (let i = 0; i < v.length; i++) {
    const item = v[i];
    if (typeof item !== 'string') return undefined;
    out[i] = item;
  }
  return out;
}
