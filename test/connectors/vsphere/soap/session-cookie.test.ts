import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSessionCookie, sessionCookieHeader } from '../../../../src/connectors/vsphere/soap/session-cookie.js';

describe('readSessionCookie()', () => {
  it('keeps the value exactly as received, quoted (vCenter) or bare (vcsim)', () => {
    assert.equal(readSessionCookie(['vmware_soap_session="52c4a1f0e9"; Path=/; HttpOnly; Secure']), '"52c4a1f0e9"');
    assert.equal(readSessionCookie(['vmware_soap_session=cd626e11-8e9c; HttpOnly']), 'cd626e11-8e9c');
  });

  it('picks the session cookie among others and ignores look-alikes', () => {
    assert.equal(readSessionCookie(['other=1', 'xvmware_soap_session=2', 'vmware_soap_session=3']), '3');
    assert.equal(readSessionCookie(['vmware_soap_session=; Max-Age=0']), undefined);
    assert.equal(readSessionCookie([]), undefined);
  });
});

describe('sessionCookieHeader()', () => {
  it('sends the value back unchanged', () => {
    assert.equal(sessionCookieHeader('"52c4a1f0e9"'), 'vmware_soap_session="52c4a1f0e9"');
  });

  it('refuses values that could inject a header or another cookie, without echoing them', () => {
    for (const bad of ['a\r\nX: 1', 'a; admin=1', 'a b', '']) {
      assert.throws(() => sessionCookieHeader(bad), (error: Error & { code?: string }) => error.code === 'CONN_INVALID_REQUEST' && !error.message.includes('admin'));
    }
  });
});
