import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Agent } from 'undici';
import { SERVICE_INSTANCE } from '../../../../src/connectors/vsphere/soap/managed-object-ref.js';
import { vsphereLogin, vsphereLogout, type VsphereSession } from '../../../../src/connectors/vsphere/session/index.js';
import { soapCall } from '../../../../src/connectors/vsphere/soap/soap-call.js';
import { vsphereCurrentSession, vsphereSessionIsActive } from '../../../../src/connectors/vsphere/client/vsphere-current-session.js';
import { startPinnedVcsim, type Vcsim } from '../../../support/vcsim.js';

describe('vsphereLogout()', () => {
  let vcsim: Vcsim;
  let dispatcher: Agent;
  let stop: (() => Promise<void>) | undefined;
  const login = (): Promise<VsphereSession> => vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher });
  /** CurrentTime needs a session, so it is the plainest "does this cookie still work" call. */
  const currentTime = (session: VsphereSession) =>
    soapCall({ url: vcsim.url, dispatcher, apiVersion: session.serviceContent.apiVersion, method: 'CurrentTime', thisRef: SERVICE_INSTANCE, cookie: session.cookie });

  before(async () => {
    ({ vcsim, dispatcher, stop } = await startPinnedVcsim({ username: 'ops', password: 'logout-test-pw' }));
  });
  after(() => stop?.());

  it('ends the session: the old cookie then gets CONN_NOT_AUTHENTICATED', async () => {
    const session = await login();
    await currentTime(session); // works while logged in
    await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher, serviceContent: session.serviceContent });
    await assert.rejects(currentTime(session), { code: 'CONN_NOT_AUTHENTICATED' });
    await assert.rejects(vsphereCurrentSession({ url: vcsim.url, cookie: session.cookie, dispatcher }), { code: 'CONN_NOT_AUTHENTICATED' });
    assert.equal(await vsphereSessionIsActive({ url: vcsim.url, cookie: session.cookie, dispatcher }), false);
  });

  it('treats a session that is already gone as logged out', async () => {
    const session = await login();
    await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher });
    const before = (await vcsim.counts())['Logout'] ?? 0;
    await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher });
    assert.equal((await vcsim.counts())['Logout'], before + 1, 'the second logout did reach the server');
  });

  it('leaves other sessions of the same user alone', async () => {
    const kept = await login();
    const ended = await login();
    await vsphereLogout({ url: vcsim.url, cookie: ended.cookie, dispatcher });
    assert.equal(await vsphereSessionIsActive({ url: vcsim.url, cookie: kept.cookie, dispatcher }), true);
    assert.equal(await vsphereSessionIsActive({ url: vcsim.url, cookie: ended.cookie, dispatcher }), false);
  });
});
