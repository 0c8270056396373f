import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Agent } from 'undici';
import { retrieveServiceContent } from '../../../../src/connectors/vsphere/soap/retrieve-service-content.js';
import { startPinnedVcsim, type Vcsim } from '../../../support/vcsim.js';

describe('retrieveServiceContent()', () => {
  let vcsim: Vcsim;
  let dispatcher: Agent;
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    ({ vcsim, dispatcher, stop } = await startPinnedVcsim());
  });
  after(() => stop?.());

  it('reads the managers and about info without a session', async () => {
    const sc = await retrieveServiceContent(vcsim.url, dispatcher);
    assert.deepEqual(sc.sessionManager, { type: 'SessionManager', value: 'SessionManager' });
    assert.equal(sc.propertyCollector.type, 'PropertyCollector');
    assert.equal(sc.about.apiType, 'VirtualCenter');
    assert.equal(sc.apiVersion, sc.about.apiVersion);
    assert.match(sc.about.fullName, /VMware vCenter Server/);
  });

  it('implies /sdk when the URL has no path', async () => {
    const sc = await retrieveServiceContent(new URL(vcsim.url).origin, dispatcher);
    assert.equal(sc.sessionManager.type, 'SessionManager');
  });

  it('reports CONN_BAD_RESPONSE when the URL is not the SDK', async () => {
    await assert.rejects(retrieveServiceContent(new URL('/kbtest/counts', vcsim.url).href, dispatcher), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONN_BAD_RESPONSE');
      assert.match(error.message, /no SOAP envelope; check that the URL is the vCenter SDK/);
      return true;
    });
    await assert.rejects(retrieveServiceContent(new URL('/no-such-page', vcsim.url).href, dispatcher), { code: 'CONN_BAD_RESPONSE' });
  });
});
