import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Config } from '../../src/base/contracts/config.js';
import { isKnownDomainTrust, ownTrustLabel, unknownDomainTrustMessage } from '../../src/base/domain-trust.js';

const FP_A = 'AA:'.repeat(31) + 'AA';
const FP_B = 'BB:'.repeat(31) + 'BB';
const endpoint = (id: string, credential: string, tls: { fingerprintSha256?: string; caFile?: string }) =>
  ({ id, kind: 'vsphere', url: `https://${id}.corp.example/sdk`, username: 'u', readOnly: false, credential, tls: { verify: true, ...tls } });
const config = Config.parse({
  version: 1,
  endpoints: [
    endpoint('vc1', 'domain:corp.example', { fingerprintSha256: FP_A }),
    endpoint('vc2', 'domain:corp.example', { caFile: '/etc/corp-ca.pem' }),
    endpoint('vc3', 'domain:corp.example', { fingerprintSha256: FP_A, caFile: '/etc/corp-ca.pem' }),
    endpoint('other', 'endpoint:other', { fingerprintSha256: FP_B }),
  ],
  credentials: [{ id: 'domain:corp.example', domain: 'corp.example' }, { id: 'endpoint:other' }],
});
const known = (tls: { fingerprintSha256?: string; caFile?: string }, credential = 'domain:corp.example') => isKnownDomainTrust(config, credential, { verify: true, ...tls });

describe('isKnownDomainTrust', () => {
  it('takes the system trust store always, even for a credential no endpoint uses', () => {
    assert.equal(known({}), true, 'no pin, no CA file');
    assert.equal(known({}, 'domain:nobody.example'), true, 'a domain without endpoints');
  });

  it('takes exactly the pin and CA file of an endpoint of the same credential', () => {
    assert.equal(known({ fingerprintSha256: FP_A }), true, 'vc1\'s pin');
    assert.equal(known({ caFile: '/etc/corp-ca.pem' }), true, 'vc2\'s CA file');
    assert.equal(known({ fingerprintSha256: FP_A, caFile: '/etc/corp-ca.pem' }), true, 'vc3\'s pair');
  });

  it('Security: refuses a pin or CA file no endpoint of this credential has, also one of another credential or half a pair', () => {
    assert.equal(known({ fingerprintSha256: FP_B }), false, 'another credential\'s pin vouches for nothing here');
    assert.equal(known({ caFile: '/tmp/attacker-ca.pem' }), false, 'a CA file of its own');
    assert.equal(known({ fingerprintSha256: FP_B, caFile: '/etc/corp-ca.pem' }), false, 'a known CA file with a new pin');
    assert.equal(known({ fingerprintSha256: FP_A, caFile: '/tmp/attacker-ca.pem' }), false, 'a known pin with a new CA file');
    assert.equal(known({ fingerprintSha256: FP_A }, 'domain:nobody.example'), false, 'a domain without endpoints has no pins');
    assert.equal(known({ fingerprintSha256: FP_B }, 'endpoint:other'), true, 'the rule is per credential');
  });
});

describe('unknownDomainTrustMessage', () => {
  it('says what to do and names the pin, the CA file or both, in one line', () => {
    assert.equal(ownTrustLabel({ verify: true, fingerprintSha256: FP_A }), 'its certificate pin', 'a pin');
    assert.equal(ownTrustLabel({ verify: true, caFile: '/x.pem' }), 'its CA file', 'a CA file');
    assert.equal(ownTrustLabel({ verify: true, fingerprintSha256: FP_A, caFile: '/x.pem' }), 'its certificate pin and CA file', 'both');
    const line = unknownDomainTrustMessage('evil', 'corp.example', { verify: true, fingerprintSha256: FP_B }, 'with --password-stdin');
    assert.equal(line, 'enter the domain password again with --password-stdin to trust its certificate pin for evil: without it, corp.example\'s stored password goes only to servers checked by the system\'s trust store or by the pin or CA file of another corp.example endpoint', 'the line');
    assert.ok(!line.includes('\n') && !line.includes(FP_B), 'one line, and no fingerprint to copy blindly');
  });
});
