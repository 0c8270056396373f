import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { HttpFrontDoor } from '../../../src/platform/http/http-front-door.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { doorsPerTest, FakeGatewaySessions, initializeBody, mcpHeaders, rawRequest, settings, startDoor, TEST_KEY } from './http-test-kit.js';

const { cleanups, door } = doorsPerTest();

async function connectClient(d: HttpFrontDoor, server = 'vsphere', headers: Record<string, string> = { 'x-api-key': TEST_KEY }) {
  const client = new Client({ name: 'sdk-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${d.url}/mcp/${server}`), { requestInit: { headers } });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return { client, transport };
}

function echoText(result: Awaited<ReturnType<Client['callTool']>>): string {
  const first = (result.content as Array<{ type: string; text?: string }>)[0];
  return first?.text ?? '';
}

describe('HttpFrontDoor: a valid call', () => {
  it('serves a tool result to the SDK Client over Streamable HTTP', async () => {
    const { door: d, sessions } = await door();
    const { client } = await connectClient(d);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    assert.equal(echoText(result), 'vsphere: hello');
    assert.equal(sessions.echoCalls.vsphere, 1);
    assert.deepEqual(sessions.opened, [{ server: 'vsphere', clientLabel: 'sdk-test', via: 'http' }]);
    assert.equal(d.sessionCount, 1);
  });

  it('answers initialize with 200 and an Mcp-Session-Id', async () => {
    const { door: d } = await door();
    const res = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['mcp-session-id']), /^[0-9a-f-]{36}$/);
  });

  it('accepts the key as Authorization: Bearer', async () => {
    const { door: d } = await door();
    const { client } = await connectClient(d, 'p6', { authorization: `Bearer ${TEST_KEY}` });
    assert.equal(echoText(await client.callTool({ name: 'echo', arguments: { text: 'b' } })), 'p6: b');
  });

  it('accepts the key in a configured custom header', async () => {
    const { door: d } = await door({ settings: settings({ apiKeyHeader: 'x-keybroker-key' }) });
    const { client } = await connectClient(d, 'vsphere', { 'x-keybroker-key': TEST_KEY });
    assert.equal(echoText(await client.callTool({ name: 'echo', arguments: { text: 'c' } })), 'vsphere: c');
    const viaDefault = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    assert.equal(viaDefault.status, 401, 'x-api-key is not read once another header is configured');
  });
});

describe('HttpFrontDoor: the API key', () => {
  it('refuses a request without a key with 401 and WWW-Authenticate: Bearer', async () => {
    const { door: d, sessions, audit } = await door();
    const res = await rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': '' }), body: initializeBody() });
    assert.equal(res.status, 401);
    assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    assert.equal(sessions.opened.length, 0);
    assert.deepEqual(audit.rejections(), ['no_api_key']);
  });

  it('refuses a wrong key, of the same length or any other, with 401 and no exception', async () => {
    const clock = new ManualClock();
    const { door: d, audit, errors } = await door({ clock });
    const wrong = [TEST_KEY.slice(0, -1) + 'X', 'k', 'kb_' + 'z'.repeat(8000), TEST_KEY + 'x', TEST_KEY.toUpperCase()];
    for (const key of wrong) {
      const res = await rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': key }), body: initializeBody() });
      assert.equal(res.status, 401, `key of length ${key.length}`);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    }
    const bearer = await rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': '', authorization: 'Bearer nope' }), body: initializeBody() });
    assert.equal(bearer.status, 401);
    // The first refusal at once, the rest as one coalesced count when the interval ends.
    assert.deepEqual(audit.rejections(), ['bad_api_key']);
    clock.advance(60_000);
    assert.deepEqual(audit.records.map((r) => [r.code, r.count]), [['bad_api_key', 1], ['bad_api_key', wrong.length]]);
    assert.deepEqual(errors, []);
  });

  it('refuses everyone while no key is set up', async () => {
    const { door: d, audit } = await door({ apiKey: () => undefined });
    const res = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    assert.equal(res.status, 401);
    assert.deepEqual(audit.rejections(), ['key_not_configured']);
  });

  it('never writes a presented or the stored key into an audit line or a response', async () => {
    const { door: d, audit } = await door({ settings: settings({ corsOrigins: ['https://ok.example'] }) });
    const almost = TEST_KEY.slice(0, -2) + 'zz';
    const bodies: string[] = [];
    for (const headers of [
      mcpHeaders({ 'x-api-key': almost }),
      mcpHeaders({ 'x-api-key': '', authorization: `Bearer ${almost}` }),
      mcpHeaders({ origin: 'https://evil.example' }),
      mcpHeaders({ origin: 'null' }),
      mcpHeaders({ host: 'evil.example' }),
    ]) {
      bodies.push((await rawRequest(d.port, { headers, body: initializeBody() })).body);
    }
    bodies.push((await rawRequest(d.port, { path: '/mcp/nope', headers: mcpHeaders(), body: initializeBody() })).body);
    await d.close(); // Writes the coalesced count of the second bad key too.
    assert.deepEqual(audit.rejections(), ['bad_api_key', 'bad_origin', 'null_origin', 'bad_host', 'unknown_server', 'bad_api_key']);
    for (const text of [audit.text(), ...bodies]) {
      assert.ok(!text.includes(TEST_KEY), 'stored key leaked');
      assert.ok(!text.includes(almost), 'presented key leaked');
    }
  });
});

describe('HttpFrontDoor: Host and Origin', () => {
  it('refuses a Host other than 127.0.0.1:PORT or localhost:PORT with 403, before the key check', async () => {
    const { door: d, audit } = await door();
    for (const host of ['evil.example:' + String(0), `evil.example:${d.port}`, `127.0.0.1:${d.port + 1}`, '127.0.0.1', `[::1]:${d.port}`]) {
      const res = await rawRequest(d.port, { headers: mcpHeaders({ host, 'x-api-key': '' }), body: initializeBody() });
      assert.equal(res.status, 403, host);
    }
    assert.deepEqual(new Set(audit.rejections()), new Set(['bad_host']));
    const local = await rawRequest(d.port, { headers: mcpHeaders({ host: `LOCALHOST:${d.port}` }), body: initializeBody() });
    assert.equal(local.status, 200);
  });

  it('refuses an Origin outside the allow-list with 403', async () => {
    const { door: d, sessions, audit } = await door({ settings: settings({ corsOrigins: ['https://ok.example'] }) });
    for (const origin of ['https://evil.example', 'https://ok.example.evil.example', 'http://ok.example', 'https://ok.example/path']) {
      const res = await rawRequest(d.port, { headers: mcpHeaders({ origin }), body: initializeBody() });
      assert.equal(res.status, 403, origin);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    }
    assert.equal(sessions.opened.length, 0);
    assert.deepEqual(new Set(audit.rejections()), new Set(['bad_origin']));
  });

  it('refuses the null Origin with 403, even when the allow-list is a wildcard', async () => {
    const { door: d, audit } = await door({ settings: settings({ corsOrigins: ['*'] }) });
    const res = await rawRequest(d.port, { headers: mcpHeaders({ origin: 'null' }), body: initializeBody() });
    assert.equal(res.status, 403);
    assert.deepEqual(audit.rejections(), ['null_origin']);
  });

  it('serves an allow-listed Origin, echoing it and exposing Mcp-Session-Id', async () => {
    const { door: d } = await door({ settings: settings({ corsOrigins: ['https://ok.example'] }) });
    const res = await rawRequest(d.port, { headers: mcpHeaders({ origin: 'https://ok.example' }), body: initializeBody() });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'https://ok.example');
    assert.match(String(res.headers['access-control-expose-headers']), /Mcp-Session-Id/);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
  });
});

describe('HttpFrontDoor: CORS preflight', () => {
  it('answers an allowed origin with the CORS headers and no credentials', async () => {
    const { door: d } = await door({ settings: settings({ corsOrigins: ['https://ok.example'], apiKeyHeader: 'x-kb' }) });
    const res = await rawRequest(d.port, { method: 'OPTIONS', headers: { origin: 'https://ok.example', 'access-control-request-method': 'POST' } });
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], 'https://ok.example');
    assert.match(String(res.headers['access-control-allow-methods']), /POST/);
    assert.match(String(res.headers['access-control-allow-headers']), /x-kb/);
    assert.match(String(res.headers['access-control-allow-headers']), /Authorization/);
    assert.match(String(res.headers['access-control-allow-headers']), /Mcp-Session-Id/);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
  });

  it('refuses a disallowed origin with 403 and no CORS headers', async () => {
    const { door: d, audit } = await door({ settings: settings({ corsOrigins: ['https://ok.example'] }) });
    const res = await rawRequest(d.port, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.deepEqual(audit.rejections(), ['bad_origin']);
  });

  it('with a wildcard allow-list sends * and never Access-Control-Allow-Credentials', async () => {
    const { door: d } = await door({ settings: settings({ corsOrigins: ['*'] }) });
    const origin = { origin: 'https://anywhere.example' };
    const responses = [
      await rawRequest(d.port, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } }),
      await rawRequest(d.port, { headers: mcpHeaders(origin), body: initializeBody() }),
      await rawRequest(d.port, { headers: mcpHeaders({ ...origin, 'x-api-key': 'wrong' }), body: initializeBody() }),
      await rawRequest(d.port, { path: '/mcp/nope', headers: mcpHeaders(origin), body: initializeBody() }),
    ];
    assert.deepEqual(responses.map((r) => r.status), [204, 200, 401, 404]);
    for (const r of responses) {
      assert.equal(r.headers['access-control-allow-origin'], '*');
      assert.equal(r.headers['access-control-allow-credentials'], undefined);
    }
  });
});

describe('HttpFrontDoor: rate limit, routing and limits', () => {
  it('answers 429 with Retry-After once the per-minute budget is spent, and recovers as it refills', async () => {
    let now = 1_000_000;
    const { door: d, audit } = await door({ settings: settings({ rateLimitPerMinute: 3 }), now: () => now });
    const get = () => rawRequest(d.port, { method: 'GET', path: '/mcp/nope', headers: mcpHeaders() });
    assert.deepEqual([(await get()).status, (await get()).status, (await get()).status], [404, 404, 404]);
    const limited = await get();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '20');
    now += 20_000;
    assert.equal((await get()).status, 404);
    assert.equal((await get()).status, 429);
    // Coalesced: the first at once, the second counted until the interval ends (here: close).
    assert.equal(audit.rejections().filter((c) => c === 'rate_limited').length, 1);
    await d.close();
    assert.deepEqual(audit.records.filter((r) => r.code === 'rate_limited').map((r) => r.count), [1, 1]);
  });

  it('answers 404 for a server the gateway does not have, and for other paths', async () => {
    const { door: d, audit } = await door();
    for (const path of ['/mcp/nope', '/mcp/', '/', '/mcp/vsphere/extra', '/mcp/VSPHERE']) {
      assert.equal((await rawRequest(d.port, { path, headers: mcpHeaders(), body: initializeBody() })).status, 404, path);
    }
    assert.deepEqual(new Set(audit.rejections()), new Set(['unknown_server']));
  });

  it('refuses a body over the cap with 413 without opening a session', async () => {
    const { door: d, sessions, audit } = await door({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(4096) } });
    const res = await rawRequest(d.port, { headers: mcpHeaders(), body: big });
    assert.equal(res.status, 413);
    assert.equal(sessions.opened.length, 0);
    assert.deepEqual(audit.rejections(), ['body_too_large']);
  });

  it('asks for initialize when a request names no session', async () => {
    const { door: d } = await door();
    const res = await rawRequest(d.port, { headers: mcpHeaders(), body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    assert.equal(res.status, 400);
    assert.match(res.body, /Mcp-Session-Id/);
  });
});

describe('HttpFrontDoor: session isolation', () => {
  it('never lets a session id from /mcp/vsphere reach a session on /mcp/p6', async () => {
    const { door: d, sessions, audit } = await door();
    const { client, transport } = await connectClient(d, 'vsphere');
    const p6 = await connectClient(d, 'p6');
    const sessionId = transport.sessionId!;
    const call = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'echo', arguments: { text: 'stolen' } } });
    const headers = mcpHeaders({ 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
    const res = await rawRequest(d.port, { path: '/mcp/p6', headers, body: call });
    assert.equal(res.status, 404);
    assert.deepEqual(sessions.echoCalls, {}, 'neither server saw the call');
    assert.ok(audit.rejections().includes('session_mismatch'), 'the session used on another server is audited as session_mismatch');
    // Both real sessions still work, each on its own server.
    assert.equal(echoText(await client.callTool({ name: 'echo', arguments: { text: 'v' } })), 'vsphere: v');
    assert.equal(echoText(await p6.client.callTool({ name: 'echo', arguments: { text: 'p' } })), 'p6: p');
  });

  it('answers 404 for a session id it never issued', async () => {
    const { door: d, audit } = await door();
    const headers = mcpHeaders({ 'mcp-session-id': '00000000-0000-4000-8000-000000000000' });
    const res = await rawRequest(d.port, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    assert.equal(res.status, 404);
    assert.deepEqual(audit.rejections(), ['unknown_session']);
  });

  it('ends the session on DELETE, closing the gateway session too', async () => {
    const { door: d, sessions } = await door();
    const { transport } = await connectClient(d);
    assert.equal(sessions.liveCount, 1);
    await transport.terminateSession();
    assert.equal(d.sessionCount, 0);
    assert.equal(sessions.liveCount, 0);
  });
});

describe('HttpFrontDoor: listening and closing', () => {
  it('listens on 127.0.0.1 only', async () => {
    const { door: d } = await door();
    assert.equal(d.url, `http://127.0.0.1:${d.port}`);
    const others = ['::1', ...Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i!.address)];
    for (const address of others) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: address, port: d.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      assert.equal(reached, false, `reachable on ${address}`);
    }
  });

  it('close() ends every session and stops listening', async () => {
    const sessions = new FakeGatewaySessions();
    const { door: d } = await door({ sessions });
    const a = await connectClient(d, 'vsphere');
    await connectClient(d, 'p6');
    assert.equal(sessions.liveCount, 2);
    await d.close();
    assert.equal(d.sessionCount, 0);
    assert.equal(sessions.liveCount, 0);
    await assert.rejects(a.client.callTool({ name: 'echo', arguments: { text: 'late' } }), 'a call after the door closed fails');
  });
});

describe('HttpFrontDoor: limits and settings', () => {
  it('refuses a new session past maxSessions with 503, and accepts one again after a DELETE', async () => {
    const { door: d, audit } = await door({ maxSessions: 1 });
    const first = await connectClient(d);
    const second = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    assert.equal(second.status, 503);
    assert.ok(audit.rejections().includes('too_many_sessions'), 'the refused session is audited as too_many_sessions');
    await first.transport.terminateSession();
    assert.equal((await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() })).status, 200);
  });

  it('answers 503 when the gateway cannot open a session, leaving nothing behind', async () => {
    const broken = new FakeGatewaySessions(['vsphere']);
    broken.openSession = async () => {
      throw Object.assign(new Error('child failed'), { code: 'CORE_CHILD_FAILED' });
    };
    const { door: d, audit } = await door({ sessions: broken });
    const res = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    assert.equal(res.status, 503);
    assert.equal(d.sessionCount, 0);
    assert.deepEqual(audit.records.filter((r) => r.event === 'gateway.rejected').map((r) => [r.code, r.reason]), [['session_failed', 'http: CORE_CHILD_FAILED']]);
  });

  it('binds a session to the key that opened it: after a rotation the old session is gone', async () => {
    let key = TEST_KEY;
    const { door: d, audit } = await door({ apiKey: () => key });
    const init = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    const sessionId = String(init.headers['mcp-session-id']);
    key = 'kb_rotated-key-abcdefghijklmnopqrstuvwxyz0123456789';
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const res = await rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': key, 'mcp-session-id': sessionId }), body: list });
    assert.equal(res.status, 404);
    assert.ok(audit.rejections().includes('session_mismatch'), 'the session of another key is audited as session_mismatch');
    assert.ok(!audit.text().includes(key) && !audit.text().includes(TEST_KEY), 'the audit never holds either API key');
  });

  it('applies new CORS settings at once through reconfigure()', async () => {
    const { door: d } = await door();
    const preflight = () => rawRequest(d.port, { method: 'OPTIONS', headers: { origin: 'https://new.example', 'access-control-request-method': 'POST' } });
    assert.equal((await preflight()).status, 403);
    d.reconfigure(settings({ corsOrigins: ['https://new.example'] }));
    assert.equal((await preflight()).status, 204);
  });

  it('rejects listen() on a port in use with HttpPortInUseError', async () => {
    const { door: d } = await door();
    await assert.rejects(startDoor({ port: d.port }), (e: Error & { code?: string }) => e.code === 'CORE_HTTP_PORT_IN_USE' && /already in use/.test(e.message));
  });
});

describe('HttpFrontDoor: session expiry (issue 10 item 5)', () => {
  const IDLE_MS = 30 * 60_000;
  const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  const use = (d: HttpFrontDoor, id: string, key = TEST_KEY) =>
    rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': key, 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' }), body: list });
  async function openRaw(d: HttpFrontDoor): Promise<string> {
    const res = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody('abandoned') });
    assert.equal(res.status, 200, res.body);
    return String(res.headers['mcp-session-id']);
  }

  it('abandoned sessions never lock out a new client: at the cap the least recently used idle one gives way', async () => {
    const clock = new ManualClock();
    const { door: d, sessions, audit } = await door({ clock });
    const ids: string[] = [];
    for (let i = 0; i < 64; i++) {
      ids.push(await openRaw(d));
      clock.advance(1000);
    }
    // The second one is used again, so the first is now the least recently used.
    assert.equal((await use(d, ids[1]!)).status, 200);
    clock.advance(1000);
    const { client } = await connectClient(d);
    assert.equal(echoText(await client.callTool({ name: 'echo', arguments: { text: 'in' } })), 'vsphere: in');
    assert.equal(d.sessionCount, 64);
    assert.equal((await use(d, ids[0]!)).status, 404, 'the least recently used session was closed');
    assert.equal((await use(d, ids[1]!)).status, 200, 'a recently used session stays');
    assert.equal(sessions.liveCount, 64, 'the evicted gateway session was closed too');
    assert.ok(!audit.rejections().includes('too_many_sessions'), 'evicting an idle session refused nobody');
  });

  it('never evicts a session with a request open: when all are busy a new one gets 503', async () => {
    const clock = new ManualClock();
    const { door: d, audit } = await door({ clock, maxSessions: 1 });
    const id = await openRaw(d);
    // A GET event stream stays open for as long as the client listens (the SDK client keeps one).
    const controller = new AbortController();
    const stream = await fetch(`${d.url}/mcp/vsphere`, { headers: { 'x-api-key': TEST_KEY, accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' }, signal: controller.signal });
    assert.equal(stream.status, 200);
    try {
      clock.advance(IDLE_MS * 2);
      assert.equal(d.sessionCount, 1, 'a session with an open stream is not idle');
      const res = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
      assert.equal(res.status, 503);
      assert.ok(audit.rejections().includes('too_many_sessions'), 'the refused session is audited as too_many_sessions');
    } finally {
      controller.abort();
    }
  });

  it('closes a session idle for 30 minutes, with its gateway session, and leaves no timer behind', async () => {
    const clock = new ManualClock();
    const { door: d, sessions } = await door({ clock });
    const id = await openRaw(d);
    clock.advance(IDLE_MS - 1);
    assert.equal((await use(d, id)).status, 200, 'still open just before the timeout, and the use restarts it');
    clock.advance(IDLE_MS - 1);
    assert.equal(d.sessionCount, 1);
    clock.advance(1);
    assert.equal(d.sessionCount, 0, 'closed when the idle timer fires');
    await waitFor(() => sessions.liveCount === 0);
    assert.equal((await use(d, id)).status, 404);
    assert.equal(clock.pendingTimers, 0);
  });

  it('drops the sessions of a rotated key when the door is reconfigured', async () => {
    let key = TEST_KEY;
    const clock = new ManualClock();
    const { door: d, sessions } = await door({ apiKey: () => key, clock });
    await openRaw(d);
    await openRaw(d);
    assert.equal(sessions.liveCount, 2);
    key = 'kb_rotated-key-abcdefghijklmnopqrstuvwxyz0123456789';
    await d.reconfigure(settings());
    assert.equal(d.sessionCount, 0);
    assert.equal(sessions.liveCount, 0);
    const fresh = await rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': key }), body: initializeBody() });
    assert.equal(fresh.status, 200);
    await d.reconfigure(settings());
    assert.equal(d.sessionCount, 1, 'the current key keeps its sessions');
  });

  it('opens every session of one API key as one client, by an opaque key that is not the API key (D200)', async () => {
    let key = TEST_KEY;
    const { door: d, sessions } = await door({ apiKey: () => key });
    await openRaw(d);
    await openRaw(d);
    key = 'kb_rotated-key-abcdefghijklmnopqrstuvwxyz0123456789';
    await rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': key }), body: initializeBody() });
    const [first, second, rotated] = sessions.clientKeys;
    assert.ok(first, 'an HTTP session names its client');
    assert.equal(second, first, 'two sessions of one key are one client');
    assert.notEqual(rotated, first, 'a session of another key is another client');
    assert.ok(!sessions.clientKeys.some((k) => k?.includes(TEST_KEY) || k?.includes(key)), 'the client key never carries the API key');
  });
});

/** Poll `cond` on the event loop until it holds (no fixed timeout: the test runner's own bounds the wait). */
async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setImmediate(resolve));
}

describe('HttpFrontDoor: floods of unauthenticated requests (issue 10 item 4)', () => {
  const evil = () => mcpHeaders({ origin: 'https://evil.example' });

  it('audits one record per reason and source per interval, counting every refusal, and 429s past the per-address budget', async () => {
    const clock = new ManualClock();
    const { door: d, audit } = await door({ clock, unauthPerMinute: { perSource: 20, overall: 1000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await rawRequest(d.port, { headers: evil(), body: initializeBody() });
      statuses.push(res.status);
      if (res.status === 429) assert.equal(res.headers['retry-after'], '3');
    }
    assert.deepEqual(statuses, [...Array(20).fill(403), ...Array(80).fill(429)]);
    // Right away: the first of each kind, so the user sees the problem at once.
    assert.deepEqual(audit.records.map((r) => [r.code, r.count, r.reason]), [
      ['bad_origin', 1, 'http from 127.0.0.1: Origin https://evil.example'],
      ['unauth_limited', 1, 'http from 127.0.0.1'],
    ]);
    clock.advance(60_000);
    assert.deepEqual(audit.records.slice(2).map((r) => [r.code, r.count]), [['bad_origin', 19], ['unauth_limited', 79]]);
    assert.equal(audit.records.reduce((n, r) => n + (r.count ?? 0), 0), 100, 'every refusal is counted');
    // A quiet interval forgets the pairs, and no timer is left behind.
    clock.advance(60_000);
    assert.equal(audit.records.length, 4);
    assert.equal(clock.pendingTimers, 0);
  });

  it('still serves a client with the key while its address is over the unauthenticated budget', async () => {
    const clock = new ManualClock();
    const { door: d } = await door({ clock, unauthPerMinute: { perSource: 5, overall: 5 } });
    for (let i = 0; i < 10; i++) await rawRequest(d.port, { headers: evil(), body: initializeBody() });
    assert.equal((await rawRequest(d.port, { headers: evil(), body: initializeBody() })).status, 429);
    const { client } = await connectClient(d);
    assert.equal(echoText(await client.callTool({ name: 'echo', arguments: { text: 'ok' } })), 'vsphere: ok');
  });

  it('gives each remote address its own budget, within one overall budget', { skip: process.platform !== 'linux' && 'binding 127.0.0.2 needs Linux' }, async () => {
    const clock = new ManualClock();
    const { door: d, audit } = await door({ clock, unauthPerMinute: { perSource: 3, overall: 5 } });
    const from = async (localAddress: string) => (await rawRequest(d.port, { headers: evil(), body: initializeBody(), localAddress })).status;
    const one = [await from('127.0.0.1'), await from('127.0.0.1'), await from('127.0.0.1'), await from('127.0.0.1')];
    assert.deepEqual(one, [403, 403, 403, 429]);
    assert.deepEqual([await from('127.0.0.2'), await from('127.0.0.2'), await from('127.0.0.2')], [403, 403, 429], 'its own budget, until the overall one is spent');
    assert.deepEqual(audit.records.filter((r) => r.code === 'bad_origin').map((r) => r.reason), [
      'http from 127.0.0.1: Origin https://evil.example',
      'http from 127.0.0.2: Origin https://evil.example',
    ]);
  });
});
