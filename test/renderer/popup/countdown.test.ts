import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countdownText, formatRemaining } from '../../../src/renderer/popup/countdown.js';

describe('formatRemaining()', () => {
  it('rounds up to whole seconds, so 0:00 means expired', () => {
    assert.equal(formatRemaining(60_000), '1:00');
    assert.equal(formatRemaining(47_001), '0:48');
    assert.equal(formatRemaining(47_000), '0:47');
    assert.equal(formatRemaining(1), '0:01');
    assert.equal(formatRemaining(0), '0:00');
    assert.equal(formatRemaining(-5_000), '0:00');
  });
});

describe('countdownText()', () => {
  it('counts down to the automatic denial, then says it is timing out', () => {
    assert.equal(countdownText(60_000, 13_000), 'Auto-deny in 0:47');
    assert.equal(countdownText(60_000, 60_000), 'Timing out…');
  });
});
