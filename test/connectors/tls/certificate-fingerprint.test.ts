import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it, after } from 'node:test';
import { certificateFingerprint } from '../../../src/connectors/tls/certificate-fingerprint.js';
import { createTestPki } from '../../support/openssl-pki.js';

describe('certificateFingerprint()', () => {
  const pki = createTestPki();
  after(() => pki.remove());

  it('is the SHA-256 of the DER in upper-case colon form, as Node and openssl print it', () => {
    const cert = new X509Certificate(pki.issue('IP:127.0.0.1').cert);
    assert.equal(certificateFingerprint(cert.raw), cert.fingerprint256);
    assert.match(certificateFingerprint(cert.raw), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});
