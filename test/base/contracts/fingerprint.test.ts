import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FingerprintSha256, normalizeFingerprint } from '../../../src/base/contracts/fingerprint.js';

const HEX = 'ab'.repeat(32);
const CANON = Array(32).fill('AB').join(':');

describe('normalizeFingerprint()', () => {
  it('accepts hex with or without colons, in either case', () => {
    assert.equal(normalizeFingerprint(HEX), CANON);
    assert.equal(normalizeFingerprint(HEX.toUpperCase()), CANON);
    assert.equal(normalizeFingerprint(CANON.toLowerCase()), CANON);
  });
  it("accepts openssl's whole line, label included (OpenSSL 3 and 1.1), in both normalisers (D152)", () => {
    for (const line of [`sha256 Fingerprint=${CANON}`, `SHA256 Fingerprint=${CANON}\n`, `  sha-256 fingerprint = ${HEX}`]) {
      assert.equal(normalizeFingerprint(line), CANON, line);
      assert.equal(FingerprintSha256.parse(line), CANON, line);
    }
    // Only that label: anything else before the hex is still refused.
    for (const bad of [`SHA256:${CANON}`, `sha1 Fingerprint=${CANON}`, `x sha256 Fingerprint=${CANON}`, 'sha256 Fingerprint=']) {
      assert.equal(normalizeFingerprint(bad), undefined, bad);
      assert.equal(FingerprintSha256.safeParse(bad).success, false, bad);
    }
  });
  it('rejects wrong lengths and non-hex', () => {
    assert.equal(normalizeFingerprint(HEX.slice(2)), undefined);
    assert.equal(normalizeFingerprint('zz'.repeat(32)), undefined);
    assert.equal(normalizeFingerprint(''), undefined);
  });
});
