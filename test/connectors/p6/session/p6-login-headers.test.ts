import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { p6LoginHeaders } from '../../../../src/connectors/p6/session/p6-login-headers.js';

describe('p6LoginHeaders()', () => {
  it('sends username/password for headers, base64 authToken for authToken, all three for both', () => {
    assert.deepEqual(p6LoginHeaders('headers', 'admin', 'admin'), { username: 'admin', password: 'admin' });
    // Oracle's own example: authToken YWRtaW46YWRtaW4 is admin:admin (reference §2.1, padding aside).
    assert.deepEqual(p6LoginHeaders('authToken', 'admin', 'admin'), { authToken: 'YWRtaW46YWRtaW4=' });
    assert.deepEqual(p6LoginHeaders('both', 'admin', 'admin'), { username: 'admin', password: 'admin', authToken: 'YWRtaW46YWRtaW4=' });
  });

  it('allows colons in the password of an authToken (P6 splits at the first colon)', () => {
    const { authToken } = p6LoginHeaders('authToken', 'u', 'a:b');
    assert.equal(Buffer.from(authToken!, 'base64').toString(), 'u:a:b');
  });

  it('refuses what a variant cannot carry, without echoing the password', () => {
    const cases: [Parameters<typeof p6LoginHeaders>[0], string, string][] = [
      ['headers', 'u', 'naïve-secret'],
      ['headers', 'u', 'tab\tsecret'],
      ['both', 'u', ' lead-secret'],
      ['authToken', 'a:b', 'colon-secret'],
      ['authToken', 'u', ''],
      ['headers', '', 'x-secret'],
    ];
    for (const [variant, user, pass] of cases) {
      assert.throws(() => p6LoginHeaders(variant, user, pass), (e: Error & { code?: string }) =>
        e.code === 'CONN_INVALID_REQUEST' && (pass === '' || !e.message.includes(pass)));
    }
  });
});
