// R9-attack: the HTTP front door under attack from what can reach 127.0.0.1: any local user,
// and any web page in a browser. Raw sockets and raw HTTP, so every header is the attacker's.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { until } from '../../support/wait.js';
import { doorsPerTest, initializeBody, mcpHeaders, rawRequest, settings, TEST_KEY } from './http-test-kit.js';

const { cleanups, door } = doorsPerTest();

/** Open a raw TCP connection to the door; `closed` resolves when the door ends it. */
async function rawSocket(port: number): Promise<{ socket: net.Socket; closed: Promise<void>; isClosed: () => boolean; received: () => string }> {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  let isClosed = false;
  socket.once('close', () => (isClosed = true));
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (text += d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((r, j) => { socket.once('connect', r); socket.once('error', j); });
  cleanups.push(async () => void socket.destroy());
  return { socket, closed, isClosed: () => isClosed, received: () => text };
}

/** Send raw bytes as one request and read the whole answer (the door closes or the status line is in). */
async function rawExchange(port: number, request: string): Promise<string> {
  const c = await rawSocket(port);
  c.socket.end(request);
  await c.closed;
  return c.received();
}

describe('HTTP front door under attack (R9-attack): DNS rebinding', () => {
  it('Security: refuses every Host a rebinding page or a confused proxy could send, before the key is looked at', async () => {
    const { door: d, sessions } = await door();
    const p = d.port;
    const hosts = [
      `127.0.0.1.evil.example:${p}`, `localhost.evil.example:${p}`, `evil.example:${p}`, 'evil.example', `localhost.:${p}`,
      `127.0.0.1:${p}.evil.example`, '127.0.0.1', 'localhost', `127.0.0.1:${p + 1}`, `[::1]:${p}`, `127.1:${p}`, `2130706433:${p}`,
      `0x7f000001:${p}`, `0177.0.0.1:${p}`, `user@127.0.0.1:${p}`, `127.0.0.1:${p}/`, `127.0.0.1:0${p}`, `127.0.0.1:+${p}`,
    ];
    for (const host of hosts) {
      const res = await rawRequest(p, { headers: mcpHeaders({ host }), body: initializeBody() });
      assert.equal(res.status, 403, `Host ${JSON.stringify(host)} got ${res.status}`);
    }
    assert.equal(sessions.opened.length, 0);
  });

  it('Security: an HTTP/1.0 request without Host, a request with the Host twice (evil first), and an absolute URL to another host reach no session', async () => {
    const { door: d, sessions } = await door();
    const p = d.port;
    const body = initializeBody();
    const head = (lines: string[]) => [...lines, 'Content-Type: application/json', 'Accept: application/json, text/event-stream', `x-api-key: ${TEST_KEY}`, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n');
    assert.match(await rawExchange(p, head(['POST /mcp/vsphere HTTP/1.0'])), /^HTTP\/1\.[01] 403/);
    assert.match(await rawExchange(p, head(['POST /mcp/vsphere HTTP/1.1', 'Host: '])), /^HTTP\/1\.1 (400|403)/);
    assert.match(await rawExchange(p, head(['POST /mcp/vsphere HTTP/1.1', 'Host: evil.example', `Host: 127.0.0.1:${p}`])), /^HTTP\/1\.1 (400|403)/);
    // Absolute form: the path the door routes on is the whole URL, which names no server.
    assert.match(await rawExchange(p, head([`POST http://evil.example/mcp/vsphere HTTP/1.1`, `Host: 127.0.0.1:${p}`])), /^HTTP\/1\.1 404/);
    assert.equal(sessions.opened.length, 0);
  });
});

describe('HTTP front door under attack (R9-attack): a web page (CSRF)', () => {
  it('Security: a simple cross-site POST (text/plain, form, no preflight) gets no session, even with a wildcard allow-list; a key in the query string or a cookie is not a key', async () => {
    for (const corsOrigins of [[], ['*'], ['https://app.example']]) {
      const { door: d, sessions } = await door({ settings: settings({ corsOrigins }) });
      const origin = { origin: 'https://evil.example' };
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await rawRequest(d.port, { headers: { 'content-type': contentType, ...origin }, body: initializeBody() });
        assert.ok(res.status === 403 || res.status === 401, `${corsOrigins.join(',') || '(none)'} ${contentType}: ${res.status}`);
        assert.equal(res.headers['access-control-allow-credentials'], undefined);
      }
      const smuggled: Array<{ path: string; headers: Record<string, string> }> = [
        { path: `/mcp/vsphere?api_key=${TEST_KEY}`, headers: {} },
        { path: '/mcp/vsphere', headers: { cookie: `x-api-key=${TEST_KEY}; api_key=${TEST_KEY}` } },
      ];
      for (const extra of smuggled) {
        const res = await rawRequest(d.port, { path: extra.path, headers: { 'content-type': 'text/plain', ...origin, ...extra.headers }, body: initializeBody() });
        assert.ok(res.status === 403 || res.status === 401, `${JSON.stringify(extra)}: ${res.status}`);
      }
      assert.equal(sessions.opened.length, 0, `sessions opened with corsOrigins ${JSON.stringify(corsOrigins)}`);
    }
  });

  it('Security: a preflight from a page not on the allow-list gets 403 and no CORS header; no preflight answer ever allows credentials', async () => {
    const { door: d } = await door({ settings: settings({ corsOrigins: ['https://app.example'] }) });
    const preflight = (origin: string) => rawRequest(d.port, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, content-type' } });
    const evil = await preflight('https://evil.example');
    assert.equal(evil.status, 403);
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    assert.equal(evil.headers['access-control-allow-headers'], undefined);
    for (const o of ['https://app.example.evil.example', 'https://evil.example/https://app.example', 'null', 'https://APP.example.', 'http://app.example']) {
      assert.equal((await preflight(o)).status, 403, o);
    }
    const ok = await preflight('https://app.example');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(ok.headers['access-control-allow-credentials'], undefined);
  });
});

describe('HTTP front door under attack (R9-attack): size and time', () => {
  it('Security: a 1 MiB header, or 5,000 small ones, is refused (431) without reaching the checks, and the door goes on serving', async () => {
    const { door: d, audit } = await door();
    const big = await rawExchange(d.port, `POST /mcp/vsphere HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nX-Pad: ${'a'.repeat(1024 * 1024)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431/);
    const many = Array.from({ length: 5000 }, (_, i) => `X-H${i}: v`).join('\r\n');
    assert.match(await rawExchange(d.port, `POST /mcp/vsphere HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\n${many}\r\n\r\n`), /^HTTP\/1\.1 431/);
    assert.equal(audit.records.length, 0);
    assert.equal((await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() })).status, 200);
  });

  it('Security: a body declared larger than the cap is refused before a byte of it is read, even with a valid key; so is one that never ends', async () => {
    const { door: d, sessions } = await door({ maxBodyBytes: 64 * 1024 });
    const declared = await rawRequest(d.port, { headers: mcpHeaders({ 'content-length': String(1024 ** 3) }) }).catch((e: Error) => e);
    assert.ok(!(declared instanceof Error) ? declared.status === 413 : /EPIPE|ECONNRESET|socket hang up/.test(declared.message), String(declared));
    const c = await rawSocket(d.port);
    c.socket.write(`POST /mcp/vsphere HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nContent-Type: application/json\r\nx-api-key: ${TEST_KEY}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    while (!c.received().includes('\r\n\r\n')) {
      const more = c.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`);
      if (!more) await new Promise((r) => c.socket.once('drain', r));
      if (c.socket.destroyed) break;
      await new Promise((r) => setImmediate(r));
    }
    assert.match(c.received(), /^HTTP\/1\.1 413/);
    assert.equal(sessions.opened.length, 0);
  });

  it('Security: slowloris: a connection that never finishes its headers is closed by the door; a real client is served meanwhile', async () => {
    const { door: d } = await door({ headersTimeoutMs: 400 });
    const slow = await rawSocket(d.port);
    slow.socket.write(`POST /mcp/vsphere HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nX-Slow: `);
    // Trickle a byte now and then: each is progress, but the headers never end.
    const trickle = setInterval(() => slow.socket.write('a'), 50);
    try {
      assert.equal((await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() })).status, 200);
      await slow.closed;
      assert.match(slow.received(), /^(HTTP\/1\.1 408|$)/);
    } finally {
      clearInterval(trickle);
    }
  });

  it('Security: connections past maxConnections are closed as they arrive, so a flood of idle connections holds a bounded number of the host\'s descriptors; once they go, a client is served', async () => {
    const { door: d } = await door({ maxConnections: 8 });
    const idle = await Promise.all(Array.from({ length: 40 }, () => rawSocket(d.port)));
    // Either the door closed those past the cap (the fix), or it serves one more client beside all 40 (the attack worked).
    const served = async () => (await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() }).catch(() => ({ status: 0 }))).status === 200;
    await until('the connections past the cap closed, or one more served', async () => idle.filter((c) => c.isClosed()).length >= 32 || (await served()));
    const open = idle.filter((c) => !c.isClosed()).length;
    assert.ok(open <= 8, `${open} idle connections kept open`);
    for (const c of idle) c.socket.destroy();
    await until('a client served again', served);
  });
});

describe('HTTP front door under attack (R9-attack): the rate limit', () => {
  it('Security: a JSON-RPC batch counts each of its messages: 20 calls in one POST do not pass a limit of 10 a minute', async () => {
    let now = 1_000_000;
    const { door: d, sessions } = await door({ settings: settings({ rateLimitPerMinute: 10 }), now: () => now });
    const init = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    const sid = String(init.headers['mcp-session-id']);
    const batch = (n: number, from: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', id: from + i, method: 'tools/call', params: { name: 'echo', arguments: { text: `b${from + i}` } } })));
    const post = (body: string) => rawRequest(d.port, { headers: mcpHeaders({ 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' }), body });
    const big = await post(batch(20, 100));
    assert.equal(big.status, 429);
    assert.ok(Number(big.headers['retry-after']) >= 1, 'the 429 says when to retry (at least 1 s)');
    assert.equal(sessions.echoCalls.vsphere ?? 0, 0, 'calls of the refused batch ran');
    const small = await post(batch(5, 200));
    assert.equal(small.status, 200);
    assert.equal(sessions.echoCalls.vsphere, 5);
    // 1 (initialize) + 1 (the refused POST) + 5 spent: a batch of 4 no longer fits, 3 does.
    assert.equal((await post(batch(4, 300))).status, 429);
    now += 60_000;
    assert.equal((await post(batch(9, 400))).status, 200);
    assert.equal(sessions.echoCalls.vsphere, 14);
  });
});

describe('HTTP front door under attack (R9-attack): sessions', () => {
  it('Security: a session id is worthless after DELETE (after idle expiry: http-front-door.test.ts), and a guessed or reshaped id is unknown', async () => {
    const { door: d, sessions } = await door();
    const init = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    const id = String(init.headers['mcp-session-id']);
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const withId = (sid: string) => rawRequest(d.port, { headers: mcpHeaders({ 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' }), body: list });
    assert.equal((await withId(id)).status, 200);
    // (Leading and trailing blanks are not part of a header value in HTTP: ` ${id}` is the id.)
    for (const guess of [id.toUpperCase(), id.slice(0, 35), `${id}0`, id.replace(/-/g, ''), '00000000-0000-4000-8000-000000000000', '__proto__', 'constructor']) {
      const res = await withId(guess);
      assert.ok(res.status === 404 || res.status === 400, `${JSON.stringify(guess)}: ${res.status}`);
    }
    assert.equal((await rawRequest(d.port, { method: 'DELETE', headers: mcpHeaders({ 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' }) })).status, 200);
    assert.equal((await withId(id)).status, 404);
    // Reusing the id on initialize does not bring the session back; a new one gets a new id.
    const again = await rawRequest(d.port, { headers: mcpHeaders({ 'mcp-session-id': id }), body: initializeBody() });
    assert.equal(again.status, 404);
    const fresh = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    assert.notEqual(String(fresh.headers['mcp-session-id']), id);
    assert.equal(sessions.liveCount, 1);
  });

  it("Security: one session cannot cancel another's call or read its stream, even with the same key", async () => {
    const { door: d } = await door();
    const open = async () => String((await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() })).headers['mcp-session-id']);
    const a = await open();
    const b = await open();
    const post = (sid: string, body: unknown) => rawRequest(d.port, { headers: mcpHeaders({ 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' }), body: JSON.stringify(body) });
    // B sends a cancel and a forged answer naming A's request id 7: both stay in B's session.
    assert.equal((await post(b, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } })).status, 202);
    assert.equal((await post(b, { jsonrpc: '2.0', id: 7, result: {} })).status, 202);
    const res = await post(a, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'mine' } } });
    assert.equal(res.status, 200);
    assert.match(res.body, /vsphere: mine/);
    // B asks for A's event stream by A's id only with A's id; B's own id gives B's stream.
    const stream = await new Promise<number>((resolve, reject) => {
      const s = net.connect(d.port, '127.0.0.1', () => s.write(`GET /mcp/vsphere HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nAccept: text/event-stream\r\nx-api-key: ${TEST_KEY}\r\nmcp-session-id: ${b}\r\nmcp-protocol-version: 2025-06-18\r\n\r\n`));
      s.setEncoding('latin1');
      s.once('data', (t: string) => { resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(t)?.[1])); s.destroy(); });
      s.once('error', reject);
    });
    assert.equal(stream, 200);
  });
});
