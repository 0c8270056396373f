// Issue 17: the audit record's check without zod's generic parse (check-audit-record.ts).
// It must accept exactly what AuditRecord accepts and return exactly what the schema
// returns; a differential property test over records near the contract, every field's
// boundary included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AUDIT_EVENTS, AuditRecord } from '../../../src/base/contracts/audit-event.js';
import { checkAuditRecord } from '../../../src/platform/audit/check-audit-record.js';

const FIELDS = Object.keys(AuditRecord.shape);
const EXTRA_KEYS = ['__proto__', 'constructor', 'toString', 'password', 'prev', '', 'Event', 'ts '];

/** ISO strings at the datetime pattern's edges: precision, offsets, leap days, out-of-range parts. */
const datetime = fc.oneof(
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.tuple(
    fc.integer({ min: 1896, max: 2404 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }),
    fc.constantFrom('', '.', '.1', '.123', '.123456789'), fc.constantFrom('Z', 'z', '', '+01:00', '-0000', 'Z\n', ' Z'),
  ).map(([y, mo, d, h, mi, s, frac, zone]) => {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${y}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${frac}${zone}`;
  }),
  fc.constantFrom('2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2026-12-06 13:00:00Z', '2026-12-06T13:00Z', '+012026-12-06T13:00:00.000Z'),
);
const text = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...AUDIT_EVENTS, 'ok', 'denied', 'failed', 'timeout', 'cancelled', 'allow', 'ask', 'deny', 'OK', 'Lock', 'tool.called '));
const hex = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{16}$/),
  fc.stringMatching(/^[0-9a-fA-F]{15,17}$/),
  fc.stringMatching(/^[0-9a-f]{16}\n$/),
);
/** Base64 of an Ed25519 signature (86 characters and `==`) and its near misses: a character short or over, other padding, other alphabets, a line end. */
const sig = fc.oneof(
  fc.tuple(fc.integer({ min: 84, max: 88 }), fc.constantFrom('==', '=', '', '===', '==\n', 'A='), fc.constantFrom('A', '+', '/', 'z', '9', '-', '_', '😀', ' ')).map(([n, pad, c]) => `${c.repeat(n)}${pad}`),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9+/]{86}$/), fc.constantFrom('==', '=A', '\n==')).map(([b, pad]) => `${b}${pad}`),
  fc.constant('[redacted]'),
);
const number = fc.oneof(
  fc.integer(), fc.double(), fc.nat(),
  fc.constantFrom(0, -0, 1, -1, 0.5, 2 ** 53 - 1, 2 ** 53, -(2 ** 53 - 1), -(2 ** 53), Number.NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE),
);
const odd = fc.constantFrom<unknown>(null, undefined, true, false, {}, [], 1n, new String('x'), new Date(0), Object.create(null));
const strings = fc.oneof(
  fc.array(text, { maxLength: 3 }),
  fc.array(fc.oneof(text, number, odd), { maxLength: 3 }),
  fc.sparseArray(text, { maxLength: 3 }),
);
const anyValue = fc.oneof(text, datetime, hex, sig, number, odd, strings);

/** A value for `key`: mostly one of the right kind (valid or just off), sometimes anything. */
function valueFor(key: string): fc.Arbitrary<unknown> {
  const right = (() => {
    switch (key) {
      case 'ts': case 'expiresAt': case 'since': return datetime;
      case 'keyId': return hex;
      case 'sig': return sig;
      case 'durationMs': case 'rule': case 'pid': case 'ttlSeconds': case 'count': return number;
      case 'argNames': case 'objects': case 'limits': case 'tools': case 'hosts': return strings;
      case 'event': return fc.constantFrom<unknown>(...AUDIT_EVENTS, 'tool.Called', 'nope');
      default: return text;
    }
  })();
  return fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: anyValue });
}

const MISSING = Symbol('missing');
const validTs = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
/** `ts` and `event`, the required fields: mostly valid (so the other fields decide), sometimes off or missing. */
const required = (key: 'ts' | 'event', valid: fc.Arbitrary<unknown>) => fc.option(fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: valueFor(key) }), { freq: 10, nil: MISSING }).map((v) => [key, v] as const);
/**
 * Records near the contract, built as AuditLog builds them (the caller's object spread, with
 * `ts`): the required fields mostly valid and up to four others near their boundaries, so
 * each field's check decides often, in both directions.
 */
const nearRecord = fc.tuple(
  required('ts', validTs),
  required('event', fc.constantFrom(...AUDIT_EVENTS)),
  fc.subarray([...FIELDS.filter((k) => k !== 'ts' && k !== 'event'), ...EXTRA_KEYS], { maxLength: 4 }).chain((keys) => fc.tuple(...keys.map((k) => valueFor(k).map((v) => [k, v] as const)))),
  fc.boolean(),
).map(([ts, event, entries, spread]) => {
  const o = Object.fromEntries([ts, event, ...entries].filter(([, v]) => v !== MISSING)); // `__proto__` becomes an own key, as from JSON.parse.
  return spread ? { ...o } : o; // fromEntries: Object.prototype; fc.record below: no prototype.
});
/** Mostly valid records, so the check's yes is tested as often as its no. */
const likely = fc.record({
  ts: validTs,
  event: fc.constantFrom(...AUDIT_EVENTS),
  server: fc.string({ maxLength: 5 }),
  tool: fc.string({ maxLength: 5 }),
  client: fc.string({ maxLength: 5 }),
  argNames: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  endpoint: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
  outcome: fc.constantFrom('ok', 'failed', 'denied', 'cancelled', 'timeout'),
  reason: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
  durationMs: fc.oneof(fc.nat(), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true })),
  pid: fc.integer({ min: 1, max: 2 ** 22 }),
  count: fc.integer({ min: 1, max: 100 }),
  keyId: fc.stringMatching(/^[0-9a-f]{16}$/),
}, { requiredKeys: ['ts', 'event'] });

describe('checkAuditRecord (issue 17)', () => {
  it('accepts exactly what AuditRecord accepts and returns what the schema returns (same keys, same order)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(fc.oneof(nearRecord, likely), (value) => {
      const fast = checkAuditRecord(value);
      const parsed = AuditRecord.safeParse(value);
      assert.equal(fast !== undefined, parsed.success, `the check and the schema disagree (${parsed.success ? 'the schema accepts' : 'the schema refuses'}) on ${fc.stringify(value)}`);
      if (!fast || !parsed.success) {
        refused++;
        return;
      }
      accepted++;
      assert.deepStrictEqual(fast, parsed.data);
      assert.deepStrictEqual(Object.keys(fast), Object.keys(parsed.data), 'key order differs: the line written would differ');
    }), { numRuns: 30_000 });
    assert.ok(accepted > 10_000 && refused > 5000, `too few valid or invalid records generated (${accepted} valid, ${refused} not)`);
  });

  it('refuses the near misses the generators rarely make, as the schema does: a key id not anchored at its start or not a string, an infinite duration', () => {
    const base = { ts: '2026-12-06T13:00:00.000Z', event: 'audit.checkpoint' };
    for (const near of [{ keyId: 'x0123456789abcdef' }, { keyId: 'x'.repeat(40) + '0123456789abcdef' }, { keyId: 1234567890123456 }, { keyId: ['0123456789abcdef'] }, { durationMs: Infinity }]) {
      const value = { ...base, ...near };
      assert.equal(AuditRecord.safeParse(value).success, false, `the schema refuses ${fc.stringify(near)}`);
      assert.equal(checkAuditRecord(value), undefined, `the check must refuse ${fc.stringify(near)} too`);
    }
    // The same fields at their valid values pass both.
    const ok = { ...base, keyId: '0123456789abcdef', durationMs: 0 };
    assert.equal(AuditRecord.safeParse(ok).success, true);
    assert.deepEqual(checkAuditRecord(ok), ok);
  });

  it('uses the schema\'s own datetime pattern for ts, expiresAt and since', () => {
    const patterns = [AuditRecord.shape.ts, AuditRecord.shape.expiresAt.unwrap(), AuditRecord.shape.since.unwrap()].map((s) => String((s as unknown as { _zod: { def: { pattern: RegExp } } })._zod.def.pattern));
    for (const ts of ['2026-12-06T13:00:00.000Z', '2026-12-06T13:00:00Z', '2026-02-29T00:00:00Z']) {
      assert.equal(checkAuditRecord({ ts, event: 'lock' }) !== undefined, AuditRecord.safeParse({ ts, event: 'lock' }).success);
    }
    assert.equal(new Set(patterns).size, 1);
  });

  it('refuses, leaving the verdict to zod, what is not a plain (or prototype-less) object or misses ts', () => {
    class Rec { ts = '2026-12-06T13:00:00.000Z'; event = 'lock'; }
    for (const v of [null, undefined, 'x', 1, [], new Rec(), { event: 'lock' }, { ts: undefined, event: 'lock' }]) {
      assert.equal(checkAuditRecord(v), undefined);
    }
  });

  it('refuses an inherited key that is not a field, as zod\'s for...in does', () => {
    const o: Record<string, unknown> = Object.create({ password: 'hunter2' });
    Object.setPrototypeOf(Object.getPrototypeOf(o), Object.prototype);
    o['ts'] = '2026-12-06T13:00:00.000Z';
    o['event'] = 'lock';
    // Not a plain object either way; the point is that it is never accepted.
    assert.equal(checkAuditRecord(o), undefined);
    assert.equal(AuditRecord.safeParse(o).success, false);
  });

  it('copies arrays, as the schema does, so a caller changing its array later cannot change the record', () => {
    const argNames = ['a'];
    const r = checkAuditRecord({ ts: '2026-12-06T13:00:00.000Z', event: 'tool.called', argNames });
    assert.ok(r, 'the record is accepted');
    assert.notEqual(r.argNames, argNames);
    assert.deepStrictEqual(r.argNames, ['a']);
  });
});

