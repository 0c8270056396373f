// VapiClient against a fake vCenter over real TLS (test/support/fake-vcenter.ts): how many
// requests one client has in flight, and how much of an answer it reads. What the client
// sends is counted in this process through undici's own diagnostics channels (a request is
// in flight from its creation until its response completes or fails), so the count does not
// depend on timing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { isConnectorError } from '../../../../src/connectors/connector-error.js';
import { VAPI_MAX_IN_FLIGHT, VapiClient } from '../../../../src/connectors/vsphere/vapi/vapi-client.js';
import { vapiLogin } from '../../../../src/connectors/vsphere/session/vapi-session.js';
import { startFakeVcenter, type FakeVcenter } from '../../../support/fake-vcenter.js';

const BIG = 17 * 1024 * 1024;
let fake: FakeVcenter;
const session = { token: async () => 'vapi-session', renew: async () => 'vapi-session' };

before(async () => {
  fake = await startFakeVcenter(({ path }) => {
    // A chunked answer (no content-length) larger than the client's 16 MiB cap, valid JSON.
    if (path.endsWith('/big') || path.endsWith('/cis/session')) return { body: `{"value":"${'a'.repeat(BIG)}"}`, headers: { 'content-type': 'application/json' } };
    return { body: JSON.stringify({ value: path }), headers: { 'content-type': 'application/json' } };
  });
});
after(async () => fake.close());

describe('VapiClient', () => {
  it(`has at most ${VAPI_MAX_IN_FLIGHT} requests in flight however many calls are made at once, and answers each call with its own value`, async () => {
    let inFlight = 0;
    let most = 0;
    const open = new Set<object>();
    const onCreate = ({ request }: { request: { path: string } }) => {
      if (!request.path.startsWith('/rest/item/')) return;
      open.add(request);
      most = Math.max(most, ++inFlight);
    };
    const onDone = ({ request }: { request: object }) => {
      if (open.delete(request)) inFlight--;
    };
    diagnostics.subscribe('undici:request:create', onCreate as (m: unknown) => void);
    diagnostics.subscribe('undici:request:trailers', onDone as (m: unknown) => void);
    diagnostics.subscribe('undici:request:error', onDone as (m: unknown) => void);
    try {
      const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session });
      const paths = Array.from({ length: 40 }, (_, i) => `/item/${i}`);
      const values = await Promise.all(paths.map((p) => client.call('GET', p)));
      assert.deepEqual(values, paths.map((p) => `/rest${p}`));
      assert.equal(inFlight, 0);
      // Without the bound all 40 are created before the first answer (measured: 40).
      assert.equal(most, VAPI_MAX_IN_FLIGHT);
    } finally {
      diagnostics.unsubscribe('undici:request:create', onCreate as (m: unknown) => void);
      diagnostics.unsubscribe('undici:request:trailers', onDone as (m: unknown) => void);
      diagnostics.unsubscribe('undici:request:error', onDone as (m: unknown) => void);
    }
  });

  it('refuses an answer past 16 MiB that came without a content-length, in one line naming the path', async () => {
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session });
    await assert.rejects(client.call('GET', '/big'), (e: unknown) => isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' && /the vAPI answer to \/big is larger than 16777216 bytes/.test(e.message));
  });

  it('refuses a session login answer past 64 KiB instead of reading it whole', async () => {
    await assert.rejects(vapiLogin({ url: fake.url, username: 'admin', password: 'not-a-secret', dispatcher: fake.dispatcher }), (e: unknown) => isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' && /more than 65536 bytes/.test(e.message));
  });
});
