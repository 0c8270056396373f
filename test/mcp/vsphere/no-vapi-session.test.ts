// A session without a vAPI half (D167): the login gives the vAPI login only what
// the vim25 login left of its 60 s, so a slow vCenter, not only an ESXi host, can leave a
// session without one. The tags tool's error says both, and how to log in again. No upstream
// is contacted: the missing session is found before any request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenGrant } from '../../../src/base/contracts/token-protocol.js';
import { Emitter } from '../../../src/base/events/emitter.js';
import type { TokenSource } from '../../../src/mcp/runtime/token-source.js';
import { connectVsphereServer, type ConnectedServer } from './connect-vsphere-server.js';

describe('a vSphere session without a vAPI session', () => {
  let s: ConnectedServer;
  before(async () => {
    // Port 9 (discard): nothing is sent, so nothing needs to listen.
    const grant: TokenGrant = { ch: 'broker', t: 'token.grant', id: 'g1', endpoint: 'vc', token: '"52c4-no-vapi"', expiresAt: Date.now() + 3_600_000, upstream: { url: 'https://127.0.0.1:9/sdk' } };
    const tokens: TokenSource = {
      get: async () => grant,
      renew: async () => grant,
      onDidRevoke: new Emitter<string>().event,
      listEndpoints: async () => [{ name: 'vc', host: '127.0.0.1:9', readOnly: false, state: 'unlocked' }],
    };
    s = await connectVsphereServer({ tokens, defaultEndpoint: 'vc' });
  });
  after(() => s?.close());

  it('vsphere_list_tags says an ESXi host or a vAPI login that failed or was late, and how to log in again', async () => {
    const result = await s.call('vsphere_list_tags', {});
    assert.equal(result.isError, true);
    const text = (result.content as { type: string; text: string }[])[0]!.text;
    assert.equal(
      text,
      "VSPHERE_TOOL_INVALID: endpoint vc has no vAPI REST session, which tags need: an ESXi host has none, and a vCenter has none until the next login when its vAPI login failed or did not answer in time; to log in again, run 'keybroker lock vc' and call again",
    );
  });
});
