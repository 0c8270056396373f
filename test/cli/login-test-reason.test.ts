import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loginTestReason } from '../../src/cli/login-test-reason.js';
import { soapFaultToError } from '../../src/connectors/vsphere/soap/soap-fault.js';

const RETRY = '; fix the value and run the command again (--no-verify saves without testing)';

describe('loginTestReason() (D145)', () => {
  it("drops vSphere's `endpoint update NAME` advice: after a failed add nothing was saved", () => {
    const why = soapFaultToError({ type: 'InvalidLogin', faultString: '' }, { method: 'Login', origin: 'https://vc1.corp.example', sensitive: true }).message;
    assert.match(why, /keybroker endpoint update NAME/); // The connector's words, for a saved endpoint.
    assert.equal(loginTestReason(why), `vCenter at https://vc1.corp.example rejected the username or password; check them${RETRY}`);
  });

  it('keeps a fingerprint warning whole, however long the host name, and names the flag to pass', () => {
    const seen = Array(32).fill('4F').join(':');
    const pinned = Array(32).fill('AB').join(':');
    const host = `${'h'.repeat(60)}.${'d'.repeat(60)}.${'x'.repeat(60)}.example:443`;
    const why = `server certificate SHA-256 of ${host} is ${seen} but the endpoint pins ${pinned}; this can be an attack, so confirm the new fingerprint with the server's administrator, then run \`keybroker endpoint update NAME --fingerprint ${seen}\``;
    assert.equal(loginTestReason(why), `server certificate SHA-256 of ${host} is ${seen} but the endpoint pins ${pinned}; this can be an attack, so confirm the new fingerprint with the server's administrator, then run the command again with --fingerprint ${seen}`);
  });

  it('cuts any other clause naming `keybroker endpoint update NAME`, and adds the retry advice once', () => {
    assert.equal(loginTestReason("P6 said no; fix it with 'keybroker endpoint update NAME --user U'"), `P6 said no${RETRY}`);
    assert.equal(loginTestReason('cannot reach vc1:443: connection refused; check the URL and that the server is up'), `cannot reach vc1:443: connection refused; check the URL and that the server is up${RETRY}`);
  });

  it('sanitizes the upstream part and bounds it, never the advice', () => {
    const r = loginTestReason(`bad\u001b[31m\n${'x'.repeat(5000)}`);
    assert.ok(r.endsWith(`...${RETRY}`), r.slice(-120));
    assert.equal(r.includes('\u001b') || r.includes('\n'), false);
    assert.ok(r.length < 1200, 'a 5000-character reason is cut below 1200 characters');
  });
});
