import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Agent } from 'undici';
import { isConnectorError } from '../../../../src/connectors/connector-error.js';
import { createUpstreamDispatcher } from '../../../../src/connectors/tls/index.js';
import { vsphereLogin } from '../../../../src/connectors/vsphere/session/index.js';
import { retrieveServiceContent } from '../../../../src/connectors/vsphere/soap/retrieve-service-content.js';
import { vsphereCurrentSession, vsphereSessionIsActive } from '../../../../src/connectors/vsphere/client/vsphere-current-session.js';
import { startPinnedVcsim, type Vcsim } from '../../../support/vcsim.js';

// XML specials prove the envelope escapes the password instead of breaking on it.
const USER = 'alice@vsphere.local';
const PASSWORD = `Pa$$<w&rd>"'-7f3a`;
const WRONG = `wr0ng<&>"'-pw-91c2`;

/** Every text an error could show: message, cause chain, and the full inspected object. */
function allText(error: unknown): string {
  return `${String(error)} ${inspect(error, { depth: 10, showHidden: true })}`;
}

describe('vsphereLogin()', () => {
  let vcsim: Vcsim;
  let dispatcher: Agent;
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    ({ vcsim, dispatcher, stop } = await startPinnedVcsim({ username: USER, password: PASSWORD }));
  });
  after(() => stop?.());

  it('returns the session cookie for the right password, and the probe sees the session', async () => {
    const session = await vsphereLogin({ url: vcsim.url, username: USER, password: PASSWORD, dispatcher });
    assert.match(session.cookie, /^[0-9a-f-]{36}$/, 'vcsim sends the cookie unquoted; it is kept as received');
    assert.equal(session.userName, USER);
    assert.ok(session.key.length > 0, 'the session has a key');
    assert.equal(session.serviceContent.about.apiType, 'VirtualCenter');
    const current = await vsphereCurrentSession({ url: vcsim.url, cookie: session.cookie, dispatcher });
    assert.equal(current.userName, USER);
    assert.equal(current.key, session.key);
    assert.equal(await vsphereSessionIsActive({ url: vcsim.url, cookie: session.cookie, dispatcher }), true);
  });

  it('gives two logins two different sessions', async () => {
    const a = await vsphereLogin({ url: vcsim.url, username: USER, password: PASSWORD, dispatcher });
    const b = await vsphereLogin({ url: vcsim.url, username: USER, password: PASSWORD, dispatcher });
    assert.notEqual(a.cookie, b.cookie);
  });

  it('fails a wrong password with CONN_LOGIN_FAILED after exactly one Login call', async () => {
    const serviceContent = await retrieveServiceContent(vcsim.url, dispatcher);
    const before = (await vcsim.counts())['Login'] ?? 0;
    await assert.rejects(vsphereLogin({ url: vcsim.url, username: USER, password: WRONG, dispatcher, serviceContent }), (error: unknown) => {
      assert.ok(isConnectorError(error), 'a wrong password is refused with a ConnectorError');
      assert.equal(error.code, 'CONN_LOGIN_FAILED');
      assert.match(error.message, /rejected the username or password; check them/);
      assert.ok(!allText(error).includes(WRONG), 'the password must not appear in the error');
      return true;
    });
    assert.equal((await vcsim.counts())['Login'], before + 1);
  });

  it('never puts the password in any error, whatever fails', async () => {
    const serviceContent = await retrieveServiceContent(vcsim.url, dispatcher);
    const untrusted = createUpstreamDispatcher();
    const failures = [
      // Server fault (InvalidLogin) for the right password under another user.
      () => vsphereLogin({ url: vcsim.url, username: 'mallory', password: PASSWORD, dispatcher }),
      // Not a SOAP endpoint: the JSON counts page answers 200.
      () => vsphereLogin({ url: new URL('/kbtest/counts', vcsim.url).href, username: USER, password: PASSWORD, dispatcher, serviceContent }),
      // Untrusted certificate.
      () => vsphereLogin({ url: vcsim.url, username: USER, password: PASSWORD, dispatcher: untrusted, serviceContent }),
    ];
    const codes: string[] = [];
    try {
      for (const failure of failures) {
        await assert.rejects(failure(), (error: unknown) => {
          assert.ok(isConnectorError(error), String(error));
          codes.push(error.code);
          assert.ok(!allText(error).includes(PASSWORD), `password leaked in ${error.code}`);
          return true;
        });
      }
    } finally {
      await untrusted.close();
    }
    assert.deepEqual(codes, ['CONN_LOGIN_FAILED', 'CONN_BAD_RESPONSE', 'CONN_TLS_UNTRUSTED']);
  });

  it('refuses an empty password or a plain-http URL without calling Login', async () => {
    const before = (await vcsim.counts())['Login'] ?? 0;
    await assert.rejects(vsphereLogin({ url: vcsim.url, username: USER, password: '', dispatcher }), { code: 'CONN_INVALID_REQUEST' });
    await assert.rejects(vsphereLogin({ url: vcsim.url.replace('https:', 'http:'), username: USER, password: PASSWORD, dispatcher }), { code: 'CONN_INVALID_REQUEST' });
    assert.equal((await vcsim.counts())['Login'] ?? 0, before);
  });
});
