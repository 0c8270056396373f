// E3-tidy: one place that says where a string may be cut without splitting a surrogate pair,
// for the audit's cut of a long string (truncateAuditString) and of a long command (auditCommand).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cutAfter, cutBefore } from '../../src/base/surrogate-safe-cut.js';

/** True when `s` holds no half of a surrogate pair. */
const wellFormed = (s: string): boolean => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
/** True when a cut at `i` falls between the two halves of a pair. */
const insidePair = (s: string, i: number): boolean => /[\ud800-\udbff]/.test(s[i - 1] ?? '') && /[\udc00-\udfff]/.test(s[i] ?? '');

/** Strings of pairs (the lowest, the highest, an emoji) and single units just outside the surrogates, in every mix. */
const units = fc.array(fc.constantFrom('a', '\ud7ff', '\ue000', '\ufffd', '\ud800\udc00', '\udbff\udfff', '😀'), { maxLength: 12 }).map((xs) => xs.join(''));

describe('cutBefore() and cutAfter() (E3-tidy)', () => {
  it('cut at every boundary of strings with pairs everywhere: at the index, or one unit off when it falls inside a pair', () => {
    fc.assert(fc.property(units, (s) => {
      for (let i = 0; i <= s.length; i++) {
        const inside = insidePair(s, i);
        assert.equal(cutBefore(s, i), inside ? i - 1 : i, `cutBefore(${JSON.stringify(s)}, ${i})`);
        assert.equal(cutAfter(s, i), inside ? i + 1 : i, `cutAfter(${JSON.stringify(s)}, ${i})`);
        assert.ok(wellFormed(s.slice(0, cutBefore(s, i))) && wellFormed(s.slice(cutAfter(s, i))), `both parts whole at ${i} of ${JSON.stringify(s)}`);
      }
    }), { numRuns: 500 });
  });

  it('leaves the string\'s ends alone: 0 and its length are always places to cut', () => {
    for (const s of ['', '😀', 'a😀', '😀a']) {
      assert.equal(cutBefore(s, 0), 0, `cutBefore at 0 of ${JSON.stringify(s)}`);
      assert.equal(cutBefore(s, s.length), s.length, `cutBefore at the end of ${JSON.stringify(s)}`);
      assert.equal(cutAfter(s, 0), 0, `cutAfter at 0 of ${JSON.stringify(s)}`);
      assert.equal(cutAfter(s, s.length), s.length, `cutAfter at the end of ${JSON.stringify(s)}`);
    }
  });

  it('cuts right at the surrogate ranges\' edges: U+D7FF and U+E000 are single units, U+D800 to U+DFFF halves', () => {
    assert.equal(cutBefore('\ud7ffx', 1), 1, 'U+D7FF ends a whole character');
    assert.equal(cutBefore('\ud800\udc00', 1), 0, 'U+D800 is a first half');
    assert.equal(cutBefore('\udbff\udfff', 1), 0, 'U+DBFF is a first half');
    assert.equal(cutBefore('\udc00x', 1), 1, 'a second half does not start a pair');
    assert.equal(cutAfter('x\ue000', 1), 1, 'U+E000 starts a whole character');
    assert.equal(cutAfter('\ud800\udc00', 1), 2, 'U+DC00 is a second half');
    assert.equal(cutAfter('\udbff\udfff', 1), 2, 'U+DFFF is a second half');
    assert.equal(cutAfter('x\udbff', 1), 1, 'a first half does not end a pair');
  });
});
