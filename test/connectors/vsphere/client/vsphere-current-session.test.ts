import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Agent } from 'undici';
import { vsphereLogin } from '../../../../src/connectors/vsphere/session/index.js';
import { vsphereCurrentSession, vsphereSessionIsActive } from '../../../../src/connectors/vsphere/client/vsphere-current-session.js';
import { startPinnedVcsim, type Vcsim } from '../../../support/vcsim.js';

describe('vsphereCurrentSession()', () => {
  let vcsim: Vcsim;
  let dispatcher: Agent;
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    ({ vcsim, dispatcher, stop } = await startPinnedVcsim());
  });
  after(() => stop?.());

  it('reads the UserSession of a live cookie with RetrievePropertiesEx, not SessionIsActive', async () => {
    const session = await vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher });
    const before = await vcsim.counts();
    const current = await vsphereCurrentSession({ url: vcsim.url, cookie: session.cookie, dispatcher, serviceContent: session.serviceContent });
    assert.equal(current.userName, vcsim.username);
    assert.equal(current.key, session.key);
    assert.ok(current.loginTime && !Number.isNaN(Date.parse(current.loginTime)), 'the session\'s login time is a date');
    const after = await vcsim.counts();
    assert.equal(after['RetrievePropertiesEx'], (before['RetrievePropertiesEx'] ?? 0) + 1);
    assert.equal(after['SessionIsActive'], undefined);
  });

  it('says not active for a cookie the server never issued', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    await assert.rejects(vsphereCurrentSession({ url: vcsim.url, cookie: unknown, dispatcher }), { code: 'CONN_NOT_AUTHENTICATED' });
    assert.equal(await vsphereSessionIsActive({ url: vcsim.url, cookie: unknown, dispatcher }), false);
  });

  it('refuses a malformed cookie before sending it', async () => {
    const before = (await vcsim.counts())['RetrievePropertiesEx'] ?? 0;
    await assert.rejects(
      vsphereSessionIsActive({ url: vcsim.url, cookie: 'abc\r\nX-Injected: 1', dispatcher }),
      (error: Error & { code?: string }) => error.code === 'CONN_INVALID_REQUEST' && !error.message.includes('abc'),
    );
    assert.equal((await vcsim.counts())['RetrievePropertiesEx'] ?? 0, before);
  });
});
