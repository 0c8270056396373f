// The plan hash is SHA-256 over canonicalJson(), so the approval binds what runs only if two
// different arguments never share a canonical text, and the same arguments always do
// (issue 11, D41). Properties over generated JSON values (full Unicode strings, keys such as
// `__proto__`, numbers, nested arrays and objects), then the classes a hash could confuse.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson } from '../../../../src/mcp/runtime/plan/canonical-json.js';
import { planHash } from '../../../../src/mcp/runtime/plan/plan-hash.js';

/** Keys a JSON text can hold, with the ones a plain object treats specially. */
const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '1', '01', '10', '-0', ''));
const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ unit: 'binary', maxLength: 8 }));
/** A JSON value built as JSON.parse builds it: every key an own property, `__proto__` too. */
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('json')), { maxLength: 5 }).map((entries) => Object.fromEntries(entries)),
  ),
}));

/** The same value with every object's keys in another order (reversed, then rotated by `turn`). */
function reorder(value: unknown, turn: number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, turn));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).reverse();
  const cut = entries.length ? turn % entries.length : 0;
  return Object.fromEntries([...entries.slice(cut), ...entries.slice(0, cut)].map(([k, v]) => [k, reorder(v, turn + 1)]));
}

describe('canonicalJson() properties (the text a plan hash is computed over)', () => {
  it('reads back as the value it was made from, so two different values never share a text', () => {
    fc.assert(fc.property(json, (v) => {
      // JSON.parse is a function of the text: equal texts would read back as equal values.
      assert.deepStrictEqual(JSON.parse(canonicalJson(v)), JSON.parse(JSON.stringify(v)));
    }), { numRuns: 2000 });
  });

  it('gives the same text whatever order the keys came in, at every level', () => {
    fc.assert(fc.property(json, fc.nat(), (v, turn) => {
      assert.equal(canonicalJson(reorder(v, turn)), canonicalJson(v));
    }), { numRuns: 2000 });
  });

  it('writes the keys of every object sorted, whatever order they came in', () => {
    // Keys that are not array indexes: an object lists index-like keys first, in numeric order.
    const word = fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }).filter((k) => !/^(0|[1-9]\d*)$/.test(k));
    fc.assert(fc.property(fc.uniqueArray(word, { maxLength: 6 }), (keys) => {
      const text = canonicalJson({ outer: Object.fromEntries(keys.map((k, i) => [k, i])) });
      assert.deepEqual(Object.keys(JSON.parse(text).outer), [...keys].sort());
    }), { numRuns: 500 });
  });
});

describe('canonicalJson() on values a hash could confuse', () => {
  const distinct = (a: unknown, b: unknown) => assert.notEqual(canonicalJson(a), canonicalJson(b), `${JSON.stringify(a)} and ${JSON.stringify(b)}`);

  it('keeps a `__proto__` key as the data it is (JSON.parse makes it an own property)', () => {
    const withProto = JSON.parse('{"__proto__":{"ObjectId":5000},"b":2}') as unknown;
    assert.equal(canonicalJson(withProto), '{"__proto__":{"ObjectId":5000},"b":2}');
    distinct(withProto, { b: 2 });
    distinct(JSON.parse('{"__proto__":1}'), {});
    distinct(JSON.parse('{"a":{"__proto__":[1]}}'), { a: {} });
    // A nested own `__proto__` is found by the reader too (not the prototype of the copy).
    assert.equal(JSON.parse(canonicalJson(withProto)).b, 2);
  });

  it('tells apart nulls, empty values, nested arrays, Unicode forms and numbers', () => {
    assert.equal(canonicalJson({ b: null, a: [null, { d: null, c: 0 }] }), '{"a":[null,{"c":0,"d":null}],"b":null}');
    assert.equal(canonicalJson(null), 'null');
    assert.equal(canonicalJson([]), '[]');
    assert.equal(canonicalJson({}), '{}');
    distinct({ a: null }, {});
    distinct({ a: [] }, { a: {} });
    distinct({ a: '' }, { a: null });
    distinct([[1], [2]], [[1, 2]]);
    distinct([1, [2]], [[1], 2]);
    distinct({ a: { b: 1 } }, { 'a.b': 1 });
    distinct({ a: 'b","c":"d' }, { a: 'b', c: 'd' });
    distinct({ v: 'é' }, { v: 'e\u0301' });
    distinct({ v: '\ud800' }, { v: '\ufffd' });
    distinct({ v: '\u2028' }, { v: '\n' });
    distinct({ n: 1 }, { n: '1' });
    distinct({ n: 1e21 }, { n: 1e22 });
    distinct({ n: 0.1 + 0.2 }, { n: 0.3 });
    distinct({ n: 9007199254740993n.toString() }, { n: 9007199254740992 });
  });

  it('writes −0 as 0, as every upstream request does: it is the same JSON number', () => {
    assert.equal(canonicalJson({ n: -0 }), canonicalJson({ n: 0 }));
    assert.equal(JSON.stringify({ n: -0 }), '{"n":0}');
  });

  it('drops undefined as JSON does: an object key, and as null in an array', () => {
    assert.equal(canonicalJson({ a: undefined, b: [undefined, 1] }), '{"b":[null,1]}');
  });
});

describe('planHash() covers every field of the approval', () => {
  const input = { tool: 'p6_update_activity', args: { objectId: 101, changes: { PercentComplete: 50 } }, summary: 'Set PercentComplete 40 → 50 on activity A1030', changes: [{ object: 'activity A1030', field: 'PercentComplete', before: '40', after: '50' }], objects: ['activity A1030 (ObjectId 101)'], precondition: [{ object: 'activity A1030', type: 'activity', id: '101', values: { LastUpdateDate: '2026-11-30T09:12:00', PercentComplete: '40' } }] };

  it('changes when any one field changes, and only then', () => {
    const h = planHash(input);
    assert.equal(planHash({ ...input }), h);
    const variants = [
      { ...input, tool: 'p6_call' },
      { ...input, args: { objectId: 102, changes: { PercentComplete: 50 } } },
      { ...input, args: { ...input.args, extra: null } },
      { ...input, summary: `${input.summary} ` },
      { ...input, changes: [{ ...input.changes[0]!, after: '51' }] },
      { ...input, changes: [] },
      { ...input, objects: ['activity A1030 (ObjectId 102)'] },
      { ...input, precondition: [{ ...input.precondition[0]!, id: '102' }] },
      { ...input, precondition: [{ ...input.precondition[0]!, values: { ...input.precondition[0]!.values, LastUpdateDate: '2026-11-30T09:12:01' } }] },
      { ...input, precondition: [] },
    ];
    const hashes = new Set([h, ...variants.map((v) => planHash(v))]);
    assert.equal(hashes.size, variants.length + 1, 'every variant has its own hash');
  });
});
