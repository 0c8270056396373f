import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeFingerprint } from '../../../src/base/contracts/fingerprint.js';

const HEX = 'ab'.repeat(32);
const CANON = Array(32).fill('AB').join(':');

describe('normalizeFingerprint()', () => {
  it('accepts hex with or without colons, in either case', () => {
    assert.equal(normalizeFingerprint(HEX), CANON);
    assert.equal(normalizeFingerprint(HEX.toUpperCase()), CANON);
    assert.equal(normalizeFingerprint(CANON.toLowerCase()), CANON);
  });
  it('rejects wrong lengths and non-hex', () => {
    assert.equal(normalizeFingerprint(HEX.slice(2)), undefined);
    assert.equal(normalizeFingerprint('zz'.repeat(32)), undefined);
    assert.equal(normalizeFingerprint(''), undefined);
  });
});
