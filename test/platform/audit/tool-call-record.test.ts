// Issue 17 item 3, round 13: the `tool.called` record built from a template
// (tool-call-record.ts, AuditLog.appendCall). It must write exactly what the generic
// `append({ event: 'tool.called', ts, ...fields })` writes (record, line, chain), refuse
// what it refuses with the same message, and redact what it redacts; and it must take the
// gateway's usual record itself, or it saves nothing.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { AuditRecord, type ToolCallFields } from '../../../src/base/contracts/audit-event.js';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { checkAuditRecord } from '../../../src/platform/audit/check-audit-record.js';
import { REDACTED, redactRecord, secretNeedles } from '../../../src/platform/audit/redact-record.js';
import { toolCallRecord } from '../../../src/platform/audit/tool-call-record.js';
import { verifyAuditChain } from '../../../src/platform/audit/verify-audit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-tool-call-record-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);

const CALL_KEYS = ['endpoint', 'client', 'server', 'tool', 'outcome', 'durationMs', 'reason', 'argNames', 'objects', 'planSummary', 'planHash', 'decision', 'rule', 'ruleReason', 'limits'] as const;
const SECRETS = ['s3cr3t-token', 'allo', 'a b/c?d', 'zzzz'];
/** Text that sometimes holds a secret (as is or URL-encoded), sometimes is long, sometimes ends in a surrogate pair at the cut. */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 3 }), fc.constantFrom(...SECRETS, encodeURIComponent('a b/c?d'), 'allow', 'ask', 'deny', 'zzz'), fc.string({ maxLength: 3 })).map(([a, s, b]) => a + s + b) },
  { weight: 1, arbitrary: fc.integer({ min: 505, max: 520 }).map((k) => 'x'.repeat(k - 2) + '😀') },
);
const number = fc.oneof(fc.integer(), fc.double(), fc.nat(), fc.constantFrom(0, -0, -1, 0.5, 2 ** 53 - 1, 2 ** 53, Number.NaN, Infinity));
const odd = fc.constantFrom<unknown>(null, true, {}, [], 1n, new String('x'), Object.create(null));
const strings = fc.oneof(
  { weight: 4, arbitrary: fc.array(text, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(text, number, odd), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.sparseArray(text, { maxLength: 3 }) },
  // Past the 64 kept names, with a bad one at the end sometimes: every element is checked.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 60, max: 70 }), fc.constantFrom<unknown>('last', 7, undefined)).map(([k, last]) => [...Array.from({ length: k }, (_, i) => `a${i}`), last]) },
);
/** A value for a call field: mostly of the right kind (valid or just off), sometimes anything. */
function valueFor(key: string): fc.Arbitrary<unknown> {
  const right = (() => {
    switch (key) {
      case 'outcome': return fc.constantFrom<unknown>('ok', 'failed', 'denied', 'cancelled', 'timeout', 'OK', 'nope');
      case 'decision': return fc.constantFrom<unknown>('allow', 'ask', 'deny', 'Allow', 'maybe');
      case 'durationMs': case 'rule': return number;
      case 'argNames': case 'objects': case 'limits': return strings;
      default: return text;
    }
  })();
  return fc.oneof({ weight: 12, arbitrary: right }, { weight: 1, arbitrary: fc.oneof(text, number, odd, strings) }, { weight: 1, arbitrary: fc.constant(undefined) });
}
const EXTRA_KEYS = ['password', 'event', 'ts', 'tools', 'count', '__proto__', 'constructor', 'prev'];
/** Call fields as the gateway (or a buggy caller) might pass them: some fields, sometimes an extra key or another prototype. */
const fields = fc.tuple(
  fc.subarray([...CALL_KEYS], { maxLength: 6 }).chain((keys) => fc.tuple(...keys.map((k) => valueFor(k).map((v) => [k, v] as const)))),
  fc.option(fc.constantFrom(...EXTRA_KEYS).chain((k) => valueFor(k === 'event' ? 'outcome' : 'reason').map((v) => [k, k === 'event' ? 'tool.called' : v] as const)), { freq: 6 }),
  fc.constantFrom('plain', 'plain', 'plain', 'null-prototype', 'class'),
).map(([entries, extra, kind]) => {
  const o = Object.fromEntries(extra ? [...entries, extra] : entries); // `__proto__` becomes an own key, as from JSON.parse.
  if (kind === 'plain') return o as ToolCallFields;
  const target = kind === 'class' ? new (class Fields {})() : Object.create(null);
  return Object.assign(target, o) as ToolCallFields;
});
/** The gateway's usual record: the template must take it (else it saves nothing). */
const gatewayFields = fc.record({
  endpoint: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }),
  client: fc.option(fc.string({ maxLength: 8 }), { nil: undefined, freq: 8 }),
  server: fc.option(fc.string({ maxLength: 8 }), { nil: undefined, freq: 8 }),
  tool: fc.option(fc.string({ maxLength: 8 }), { nil: undefined, freq: 8 }),
  outcome: fc.option(fc.constantFrom('ok' as const, 'failed' as const, 'denied' as const, 'cancelled' as const, 'timeout' as const), { nil: undefined, freq: 8 }),
  durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  reason: fc.option(text, { nil: undefined }),
  argNames: fc.option(fc.oneof(fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 }), fc.integer({ min: 63, max: 65 }).map((k) => Array.from({ length: k }, (_, i) => `n${i}`))), { nil: undefined, freq: 8 }),
  objects: fc.option(fc.array(text, { maxLength: 2 }), { nil: undefined }),
  planSummary: fc.option(text, { nil: undefined }),
  planHash: fc.option(fc.stringMatching(/^[0-9a-f]{8}$/), { nil: undefined }),
  decision: fc.option(fc.constantFrom('allow' as const, 'ask' as const, 'deny' as const), { nil: undefined }),
  rule: fc.option(fc.nat(20), { nil: undefined }),
  ruleReason: fc.option(text, { nil: undefined }),
  limits: fc.option(fc.array(text, { maxLength: 2 }), { nil: undefined }),
}).map((r) => ({ ...r })); // fc.record makes objects without a prototype; the gateway passes a literal.

const TS = '2026-12-07T17:00:00.123Z';

/** What the generic way makes of the same fields: the record AuditLog.append writes, or undefined where it throws. */
function generic(ts: string, f: ToolCallFields): AuditRecord | undefined {
  const checked = checkAuditRecord({ event: 'tool.called', ts, ...f });
  if (checked) return redactRecord(checked, SECRETS);
  const parsed = AuditRecord.safeParse({ event: 'tool.called', ts, ...f });
  return parsed.success ? redactRecord(parsed.data, SECRETS) : undefined;
}

describe('toolCallRecord (issue 17, round 13)', () => {
  it('returns what the generic check and redaction return, key for key in the schema\'s order, or leaves the record to them', () => {
    const needles = secretNeedles(SECRETS);
    let same = 0;
    let refusedByBoth = 0;
    let left = 0;
    fc.assert(fc.property(fc.oneof(fields, gatewayFields), fc.oneof(fc.constant(TS), fc.constantFrom('2026-12-07T17:00:00Z', '+012026-12-07T17:00:00.000Z', '2026-12-07 17:00:00Z')), (f, ts) => {
      const fast = toolCallRecord(ts, f, needles);
      const slow = generic(ts, f);
      if (fast === undefined) {
        if (slow === undefined) refusedByBoth++;
        else left++;
        return;
      }
      assert.ok(slow !== undefined, `the template took a record the generic way refuses: ${fc.stringify(f)}`);
      assert.equal(JSON.stringify(fast), JSON.stringify(slow), `the line differs for ${fc.stringify(f)}`);
      assert.deepStrictEqual(fast, slow, `the record differs for ${fc.stringify(f)}`);
      same++;
    }), { numRuns: 20_000 });
    assert.ok(same > 6000 && refusedByBoth > 5000, `too few records taken or refused (${same} the same, ${refusedByBoth} refused by both, ${left} left to the generic way)`);
  });

  it('takes the gateway\'s usual record itself, and writes what the generic way writes', () => {
    const needles = secretNeedles(SECRETS);
    fc.assert(fc.property(gatewayFields, (f) => {
      const fast = toolCallRecord(TS, f, needles);
      assert.ok(fast !== undefined, `the template left the gateway's record to the generic way: ${fc.stringify(f)}`);
      assert.equal(JSON.stringify(fast), JSON.stringify(generic(TS, f)), `the line differs for ${fc.stringify(f)}`);
    }), { numRuns: 5000 });
  });

  it('redacts a secret in every free-text field, never in `decision` or `outcome` (pinned), and cuts long strings and long name lists as redactRecord does', () => {
    const needles = secretNeedles(['allo', 'hunter22']);
    const record = toolCallRecord(TS, {
      client: 'c hunter22', server: 's', tool: 'hunter22', outcome: 'ok', reason: `a ${encodeURIComponent('hunter22')}`, decision: 'allow',
      ruleReason: 'r', argNames: Array.from({ length: 70 }, (_, i) => (i === 3 ? 'xhunter22' : `n${i}`)), objects: ['o'.repeat(600)], limits: ['hunter22'],
    }, needles);
    assert.ok(record, 'a valid record is taken');
    assert.equal(record.client, REDACTED, 'client');
    assert.equal(record.tool, REDACTED, 'tool');
    assert.equal(record.reason, REDACTED, 'reason, URL-encoded secret');
    assert.equal(record.decision, 'allow', 'decision is pinned (an enum): a secret inside "allow" leaves it as it is (D4-tidy)');
    assert.equal(record.outcome, 'ok', 'outcome is structured: never redacted');
    assert.equal(record.argNames?.length, 65, '64 names and the ellipsis');
    assert.equal(record.argNames?.[3], REDACTED, 'a secret in an argument name');
    assert.equal(record.argNames?.[64], '…', 'the cut is marked');
    assert.equal(record.objects?.[0]?.length, 512, 'a long object is cut to 512');
    assert.deepEqual(record.limits, [REDACTED], 'limits');
  });
});

describe('toolCallRecord: objects that are not plain literals (issue 17, round 13)', () => {
  it('leaves an object with a prototype of its own to the generic way: an inherited getter is not a field there', () => {
    class WithInheritedTool {
      readonly server = 's';
      get tool(): string {
        return 'inherited';
      }
    }
    const f = new WithInheritedTool() as unknown as ToolCallFields;
    assert.equal(toolCallRecord(TS, f, []), undefined, 'not a plain literal: the generic way decides');
    const slow = generic(TS, f);
    assert.equal(slow?.tool, undefined, 'the spread copies own enumerable keys only: no tool');
  });
});

describe('AuditLog.appendCall() (issue 17, round 13)', () => {
  for (const deferWrites of [false, true]) {
    it(`writes the same file as append({ event: 'tool.called', ts, ...fields }), chain included, and throws the same errors (deferWrites: ${deferWrites})`, () => {
      const now = () => new Date(TS);
      // 'allo' included: `decision` is pinned (D4-tidy), so a secret inside "allow" leaves every line valid for the verifier.
      const secrets = () => SECRETS;
      const fast = new AuditLog({ home: freshHome(), settings: { maxBytes: 64 * 1024, keep: 3 }, secrets, now, deferWrites });
      const slow = new AuditLog({ home: freshHome(), settings: { maxBytes: 64 * 1024, keep: 3 }, secrets, now, deferWrites });
      try {
        let written = 0;
        fc.assert(fc.property(fc.oneof(fields, gatewayFields), (f) => {
          const outcome = (run: () => AuditRecord) => {
            try {
              return { record: run() };
            } catch (e) {
              return { error: `${(e as Error).name}: ${(e as Error).message}` };
            }
          };
          const a = outcome(() => fast.appendCall(f));
          const b = outcome(() => slow.append({ event: 'tool.called', ts: TS, ...f }));
          assert.deepStrictEqual(a, b, `appendCall and append differ on ${fc.stringify(f)}`);
          if (a.record) written++;
        }), { numRuns: 1500 });
        fast.flush();
        slow.flush();
        assert.ok(written > 300, `too few records written (${written})`);
        const files = (log: AuditLog) => fs.readdirSync(path.dirname(log.file)).filter((name) => name.startsWith('audit.log')).sort().map((name) => fs.readFileSync(path.join(path.dirname(log.file), name), 'utf8'));
        assert.deepStrictEqual(files(fast), files(slow), 'the log files (rotated ones too) differ');
        assert.ok(files(fast).length > 1, 'the run rotated at least once');
        const verified = verifyAuditChain(fast.file);
        assert.equal(verified.ok, true, `the chain of appendCall's lines verifies: ${JSON.stringify(verified)}`);
      } finally {
        fast.dispose();
        slow.dispose();
      }
    });
  }

  it('refuses after dispose, as append does', () => {
    const log = new AuditLog({ home: freshHome(), settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [] });
    log.dispose();
    assert.throws(() => log.appendCall({ server: 's', tool: 't', outcome: 'ok' }), { name: 'BugError', message: 'AuditLog.appendCall after dispose; audit before disposing the host' }, 'appendCall after dispose is a bug');
  });
});
