import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatClock } from '../../../src/cli/format/clock.js';

describe('formatClock()', () => {
  it('prints local HH:MM on the same day and MM-DD HH:MM on another', () => {
    const now = new Date(2030, 2, 4, 9, 0).getTime();
    assert.equal(formatClock(new Date(2030, 2, 4, 14, 32).getTime(), now), '14:32');
    assert.equal(formatClock(new Date(2030, 2, 4, 0, 5).getTime(), now), '00:05');
    assert.equal(formatClock(new Date(2030, 2, 5, 8, 7).getTime(), now), '03-05 08:07');
  });
});
