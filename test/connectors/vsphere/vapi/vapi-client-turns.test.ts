// D201 on real vcsim: the vAPI client's six requests at once go to the MCP
// clients fairly. Client A queues 60 reads, client B then 3: B's are sent 7th, 8th and 9th
// (each freed turn goes to the client running fewer), not after all of A's (61st-63rd, first
// come first served). The
// order is what undici's diagnostics channel sees created, in this process.
import diagnostics from 'node:diagnostics_channel';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asClient } from '../../../../src/connectors/client-turns.js';
import { createUpstreamDispatcher } from '../../../../src/connectors/tls/create-upstream-dispatcher.js';
import { vapiLogin } from '../../../../src/connectors/vsphere/session/vapi-session.js';
import { VapiClient, VAPI_MAX_IN_FLIGHT } from '../../../../src/connectors/vsphere/vapi/vapi-client.js';
import { startVcsim, type Vcsim } from '../../../support/vcsim.js';

const A_PATH = '/com/vmware/cis/tagging/tag';
const B_PATH = '/com/vmware/cis/tagging/category';

describe('VapiClient turns between clients, on vcsim', () => {
  let vcsim: Vcsim | undefined;
  before(async () => { vcsim = await startVcsim({ vms: 1 }); });
  after(async () => { await vcsim?.stop(); });

  it('sends a later client\'s reads at the next freed turns, not after the first client\'s queue', async () => {
    const { url, username, password, fingerprintSha256 } = vcsim!;
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256 });
    const token = await vapiLogin({ url, username, password, dispatcher });
    assert.ok(token, 'vcsim serves vAPI');
    const client = new VapiClient({ url, dispatcher, session: { token: async () => token, renew: async () => token } });
    const sent: string[] = [];
    const onCreate = ({ request }: { request: { path: string } }) => {
      if (request.path === `/rest${A_PATH}`) sent.push('A');
      else if (request.path === `/rest${B_PATH}`) sent.push('B');
    };
    diagnostics.subscribe('undici:request:create', onCreate as (m: unknown) => void);
    try {
      const a = asClient(1, () => Promise.all(Array.from({ length: 60 }, () => client.call('GET', A_PATH))));
      const b = asClient(2, () => Promise.all(Array.from({ length: 3 }, () => client.call('GET', B_PATH))));
      const [listsA, listsB] = await Promise.all([a, b]);
      assert.equal(listsA.length + listsB.length, 63, 'every read answered');
      const positions = sent.flatMap((who, i) => (who === 'B' ? [i + 1] : []));
      assert.deepEqual(sent.slice(0, VAPI_MAX_IN_FLIGHT), Array(VAPI_MAX_IN_FLIGHT).fill('A'), 'A, first, fills the six turns');
      assert.deepEqual(positions, [VAPI_MAX_IN_FLIGHT + 1, VAPI_MAX_IN_FLIGHT + 2, VAPI_MAX_IN_FLIGHT + 3], `B's reads take the next freed turns (sent: ${sent.join('')})`);
      assert.equal(sent.length, 63, 'each read sent once');
    } finally {
      diagnostics.unsubscribe('undici:request:create', onCreate as (m: unknown) => void);
      await dispatcher.close();
    }
  });
});
