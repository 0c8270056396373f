import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, TTL_CHOICES } from '../../src/renderer/format-duration.js';

describe('formatDuration()', () => {
  it('says minutes, hours, days, never a fraction of an hour', () => {
    assert.deepEqual([60, 1800, 3600, 5400, 14400, 86400, 90000, 7 * 86400].map(formatDuration), ['1 min', '30 min', '1 h', '1 h 30 min', '4 h', '1 day', '25 h', '7 days']);
    for (const s of TTL_CHOICES) assert.doesNotMatch(formatDuration(s), /\./);
  });
});
