import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyScore } from '../../../../src/mcp/p6/tools/fuzzy-score.js';

describe('fuzzyScore()', () => {
  it('ranks exact over prefix over substring over word prefixes over typos', () => {
    const scores = ['Rail Team', 'Rail Team North', 'West Rail Team', 'Rails and Teams', 'Rail Teem'].map((n) => fuzzyScore('rail team', n));
    assert.deepEqual(scores.slice(0, 4), [1, 0.9, 0.8, 0.7]);
    assert.ok(scores[4]! > 0.3 && scores[4]! < 0.7, 'a typo scores between 0.3 and a word prefix (0.7)');
  });

  it('ignores case and punctuation, and gives 0 for nothing in common', () => {
    assert.equal(fuzzyScore('SITE-works', 'Site Works'), 1);
    assert.equal(fuzzyScore('zzz', 'Finance'), 0);
    assert.equal(fuzzyScore('', 'Finance'), 0);
  });
});
