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
import { startFakeVcenter, type FakeVcenter, type FakeVcenterRequest } from '../../../support/fake-vcenter.js';

const BIG = 17 * 1024 * 1024;
let fake: FakeVcenter;
const session = { token: async () => 'vapi-session', renew: async () => 'vapi-session' };

/** What the fake saw, by path (the session header, content type and body of each request). */
const seen = new Map<string, FakeVcenterRequest[]>();
const json = { 'content-type': 'application/json' };
/** Called when the fake receives a request under `/rest/<group>/hang/`: keyed by `/rest/<group>/hang`. */
const hung = new Map<string, () => void>();
const sent = (prefix: string) => [...seen.keys()].filter((p) => p.startsWith(prefix)).length;

before(async () => {
  fake = await startFakeVcenter((req) => {
    const { path } = req;
    seen.set(path, [...(seen.get(path) ?? []), req]);
    // A chunked answer (no content-length) larger than the client's 16 MiB cap, valid JSON.
    if (path.endsWith('/big') || path.endsWith('/cis/session')) return { body: `{"value":"${'a'.repeat(BIG)}"}`, headers: json };
    // 401 to the first session, the answer to the renewed one.
    if (path.endsWith('/renewed')) return req.headers['vmware-api-session-id'] === 'fresh' ? { body: '{"value":"after renewal"}', headers: json } : { status: 401, body: '' };
    if (path.endsWith('/always-401')) return { status: 401, body: '' };
    if (path.endsWith('/missing') || path.includes('/gone/id:')) return { status: 404, body: '' };
    // Never answered: the client gives up at its timeout (or its batch's end), or the fake closes.
    if (path.includes('/hang/')) {
      hung.get(path.slice(0, path.lastIndexOf('/')))?.();
      return undefined;
    }
    const status = /\/status\/(\d+)$/.exec(path);
    if (status) return { status: Number(status[1]), body: status[1] === '204' ? '' : '{"value":"x"}', headers: json };
    if (path.endsWith('/html')) return { body: '<html>login</html>', headers: { 'content-type': 'text/html' } };
    if (path.endsWith('/no-value')) return { body: '{"other":1}', headers: json };
    return { body: JSON.stringify({ value: path }), headers: json };
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
    await assert.rejects(client.call('GET', '/big'), (e: unknown) => isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' && e.message === 'the vAPI answer to /big is larger than 16777216 bytes; narrow the request (a filter), or check that the URL is the vCenter');
  });

  it('refuses a session login answer past 64 KiB instead of reading it whole', async () => {
    await assert.rejects(vapiLogin({ url: fake.url, username: 'admin', password: 'not-a-secret', dispatcher: fake.dispatcher }), (e: unknown) => isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' && /more than 65536 bytes/.test(e.message));
  });

  it('sends the session header and accept on a GET, with no body and no content type; a POST carries its body as JSON; each once, with no renewal', async () => {
    let renewals = 0;
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session: { token: async () => 'vapi-session', renew: async () => (renewals++, 'other') } });
    assert.equal(await client.call('GET', '/shape/get'), '/rest/shape/get');
    assert.equal(seen.get('/rest/shape/get')!.length, 1);
    const get = seen.get('/rest/shape/get')![0]!;
    assert.equal(get.method, 'GET');
    assert.equal(get.headers['vmware-api-session-id'], 'vapi-session');
    assert.equal(get.headers['accept'], 'application/json');
    assert.equal(get.headers['content-type'], undefined);
    assert.equal(get.body, '');
    assert.equal(await client.call('POST', '/shape/post?~action=list', { tag_ids: ['a', 'b'] }), '/rest/shape/post?~action=list');
    const post = seen.get('/rest/shape/post?~action=list')![0]!;
    assert.equal(post.method, 'POST');
    assert.equal(post.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(post.body), { tag_ids: ['a', 'b'] });
    assert.equal(seen.get('/rest/shape/post?~action=list')!.length, 1);
    assert.equal(renewals, 0);
  });

  it('renews the session once on a 401 (handing over the refused one) and sends the call again with the new one', async () => {
    const renewed: string[] = [];
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session: { token: async () => 'stale', renew: async (s) => (renewed.push(s), 'fresh') } });
    assert.equal(await client.call('GET', '/renewed'), 'after renewal');
    assert.deepEqual(renewed, ['stale']);
    assert.deepEqual(seen.get('/rest/renewed')!.map((r) => r.headers['vmware-api-session-id']), ['stale', 'fresh']);
  });

  it('stops after one renewal when the new session is refused too, in one line that says to unlock again', async () => {
    let renewals = 0;
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session: { token: async () => 'a', renew: async () => (renewals++, 'b') } });
    await assert.rejects(client.call('GET', '/always-401'), (e: unknown) => isConnectorError(e) && e.code === 'CONN_NOT_AUTHENTICATED' && e.message === 'the vAPI service refused the session for /always-401 even after logging in again; unlock the endpoint again');
    assert.equal(renewals, 1);
    assert.equal(seen.get('/rest/always-401')!.length, 2);
  });

  it('says a 404 means no vAPI service (an ESXi host) or, for one object by id, that it went; a 403 a missing privilege; any other answer outside 2xx names method, path and status', async () => {
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session });
    await assert.rejects(client.call('GET', '/missing'), (e: unknown) => isConnectorError(e) && e.code === 'CONN_FAULT' && e.message === 'vCenter has no /missing (is this an ESXi host? tags need vCenter)');
    for (const status of [300, 302, 400, 500]) {
      await assert.rejects(client.call('POST', `/status/${status}`), (e: unknown) => isConnectorError(e) && e.code === 'CONN_FAULT' && e.message === `the vAPI service answered POST /status/${status} with HTTP ${status}`);
    }
    // One object by id, read after a list found it: gone in between, not an ESXi host.
    await assert.rejects(client.call('GET', '/tagging/gone/id:urn%3Atag%3A1'), (e: unknown) => isConnectorError(e) && e.code === 'CONN_FAULT' && e.message === 'vCenter has no /tagging/gone/id:urn%3Atag%3A1 any more (deleted since it was listed?); call again');
    await assert.rejects(client.call('GET', '/status/403'), (e: unknown) => isConnectorError(e) && e.code === 'CONN_FAULT' && e.message === 'the vAPI service refused GET /status/403 (HTTP 403): the account lacks a privilege it needs; check its role in vCenter');
    assert.equal(await client.call('GET', '/status/299'), 'x');
    // A read by id that vCenter answers is its value: only a 404 there means the object went.
    assert.equal(await client.call('GET', '/tagging/tag/id:urn%3Atag%3A1'), '/rest/tagging/tag/id:urn%3Atag%3A1');
    assert.equal(await client.call('GET', '/status/200'), 'x');
  });

  it('reads an empty answer as no value, an answer without `value` as undefined, and refuses one that is not JSON', async () => {
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session });
    assert.equal(await client.call('POST', '/status/204'), undefined);
    assert.equal(await client.call('GET', '/no-value'), undefined);
    await assert.rejects(client.call('GET', '/html'), (e: unknown) => isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' && e.message === 'the vAPI answer to /html is not JSON');
  });

  it('ends a batch at its first failure: its calls still waiting are never sent and those in flight are cancelled, so the next call gets a turn at once', { timeout: 30_000 }, async () => {
    // A long timeout: without the batch the five hung reads and the 34 queued behind them
    // would hold every turn for minutes, and the last call below would not run.
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session, timeoutMs: 600_000 });
    const paths = Array.from({ length: 39 }, (_, i) => `/b1/hang/${i}`);
    await assert.rejects(
      client.batch((v) => Promise.all([v.call('GET', '/status/500'), ...paths.map((p) => v.call('GET', p))])),
      (e: unknown) => isConnectorError(e) && /HTTP 500/.test(e.message),
    );
    assert.equal(await client.call('GET', '/after-batch'), '/rest/after-batch');
    assert.ok(sent('/rest/b1/hang/') < VAPI_MAX_IN_FLIGHT, `only the reads already in flight reached the server, not ${sent('/rest/b1/hang/')}`);
  });

  it('refuses the calls a failed batch left waiting, in one line, without sending them', { timeout: 30_000 }, async () => {
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session, timeoutMs: 600_000 });
    const paths = Array.from({ length: 39 }, (_, i) => `/b5/hang/${i}`);
    let settled: Promise<PromiseSettledResult<unknown>[]> | undefined;
    await assert.rejects(
      client.batch(async (v) => {
        const all = [v.call('GET', '/status/500'), ...paths.map((p) => v.call('GET', p))];
        settled = Promise.allSettled(all);
        await all[0];
      }),
      /HTTP 500/,
    );
    const results = await settled!;
    const notSent = results.filter((r) => r.status === 'rejected' && isConnectorError(r.reason) && r.reason.code === 'CONN_FAULT' && /^the vAPI call GET \/b5\/hang\/\d+ was not sent: the work it belonged to had already ended$/.test(r.reason.message));
    assert.ok(notSent.length >= paths.length - VAPI_MAX_IN_FLIGHT, `${notSent.length} refused unsent`);
    assert.ok(sent('/rest/b5/hang/') < VAPI_MAX_IN_FLIGHT, 'fewer than VAPI_MAX_IN_FLIGHT calls of the batch reached the server');
  });

  it('ends a batch started inside a batch (with or without its own signal) when the outer one ends', { timeout: 30_000 }, async () => {
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session, timeoutMs: 600_000 });
    const own = new AbortController();
    await assert.rejects(
      client.batch(async (v) => {
        // The failing read first: queued behind reads that hang it would wait for a turn.
        const failing = v.call('GET', '/status/500');
        const inner = [
          v.batch((w) => Promise.all(Array.from({ length: 10 }, (_, i) => w.call('GET', `/b6/hang/a${i}`)))),
          v.batch((w) => Promise.all(Array.from({ length: 10 }, (_, i) => w.call('GET', `/b6/hang/b${i}`))), own.signal),
        ];
        for (const b of inner) b.catch(() => undefined);
        await failing;
      }),
      /HTTP 500/,
    );
    assert.equal(await client.call('GET', '/after-nested'), '/rest/after-nested');
    assert.ok(sent('/rest/b6/hang/') <= VAPI_MAX_IN_FLIGHT, 'at most VAPI_MAX_IN_FLIGHT calls of the batch reached the server');
  });

  it("ends a batch when its signal aborts (a cancelled tool call), and the client's next call runs", { timeout: 30_000 }, async () => {
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session, timeoutMs: 600_000 });
    const cancel = new AbortController();
    hung.set('/rest/b2/hang', () => cancel.abort());
    try {
      const work = client.batch((v) => Promise.all(Array.from({ length: 40 }, (_, i) => v.call('GET', `/b2/hang/${i}`))), cancel.signal);
      await assert.rejects(work, (e: unknown) => (e as Error).name === 'AbortError');
      assert.equal(await client.call('GET', '/after-cancel'), '/rest/after-cancel');
      assert.ok(sent('/rest/b2/hang/') <= VAPI_MAX_IN_FLIGHT, 'at most VAPI_MAX_IN_FLIGHT calls of the cancelled batch reached the server');
    } finally {
      hung.delete('/rest/b2/hang');
    }
  });

  it('gives every turn back when all calls fail or time out: 40 such calls, then one more still runs', { timeout: 30_000 }, async () => {
    const client = new VapiClient({ url: fake.url, dispatcher: fake.dispatcher, session, timeoutMs: 300 });
    const calls = Array.from({ length: 40 }, (_, i) => client.call('GET', i % 2 === 0 ? '/status/503' : `/b3/hang/${i}`));
    const settled = await Promise.allSettled(calls);
    assert.ok(settled.every((r) => r.status === 'rejected'), 'every call fails (503 or timeout)');
    // A timeout is an expected failure (CONN_TIMEOUT), not a bare DOMException the tools' error policy takes for a bug.
    const timedOut = settled.filter((_, i) => i % 2 === 1).map((r) => (r as PromiseRejectedResult).reason as unknown);
    assert.ok(timedOut.every((e) => isConnectorError(e) && e.code === 'CONN_TIMEOUT' && /did not answer GET \/b3\/hang\/\d+ within 300 ms/.test(e.message)), String(timedOut[0]));
    // It keeps undici's abort as its cause, for a developer's stack (the message says what to do).
    assert.ok(timedOut.every((e) => e instanceof Error && e.cause instanceof Error && e.cause.name === 'TimeoutError'), String((timedOut[0] as Error).cause));
    assert.equal(await client.call('GET', '/after-failures'), '/rest/after-failures');
  });
});
