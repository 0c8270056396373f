import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../src/base/duration.js';

describe('parseDuration()', () => {
  it('reads single and combined units, largest first', () => {
    assert.equal(parseDuration('4h'), 14_400);
    assert.equal(parseDuration('30m'), 1_800);
    assert.equal(parseDuration('90s'), 90);
    assert.equal(parseDuration('1h30m'), 5_400);
    assert.equal(parseDuration('2d'), 172_800);
    assert.equal(parseDuration(' 1H5S '), 3_605);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', '4', 'h', '30m1h', '1h1h', '0s', '-5m', '1.5h', '4 h', '4hours', '1w']) assert.equal(parseDuration(bad), undefined, bad);
  });
});

describe('formatDuration()', () => {
  it('prints the shortest form parseDuration reads back', () => {
    assert.equal(formatDuration(14_400), '4h');
    assert.equal(formatDuration(5_400), '1h30m');
    assert.equal(formatDuration(90), '1m30s');
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(59.9), '59s');
    for (const s of [1, 61, 3_601, 86_399, 604_800]) assert.equal(parseDuration(formatDuration(s)), s);
  });
});
