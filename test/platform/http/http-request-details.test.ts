// Request-check and body-reading details that mutation testing showed unguarded
// (docs/TESTING.md): non-http origin schemes, a padded "null", non-canonical origins,
// anchored Bearer and path patterns, readBody's exact limits and cleanup, the session
// label taken from initialize, and loopback-only listening.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';
import { readBody } from '../../../src/platform/http/read-body.js';
import { canonicalOrigin, checkOrigin, presentedApiKey, serverFromPath } from '../../../src/platform/http/request-checks.js';
import { doorsPerTest, FakeGatewaySessions, initializeBody, mcpHeaders, rawRequest, startDoor } from './http-test-kit.js';
import { until } from '../../support/wait.js';

describe('request checks details', () => {
  it('refuses origins of other special schemes, such as ws: and wss:', () => {
    assert.equal(canonicalOrigin('ws://app.example'), undefined);
    assert.equal(canonicalOrigin('wss://app.example'), undefined);
    assert.equal(canonicalOrigin('https://app.example'), 'https://app.example');
  });

  it('refuses a padded or upper-case null Origin as null', () => {
    for (const o of [' null ', 'NULL', 'Null']) assert.deepEqual(checkOrigin(o, ['*']), { ok: false, reason: 'null_origin' });
  });

  it('refuses an Origin a browser would not send (not canonical), even when its canonical form is allowed', () => {
    for (const o of ['https://app.example/', 'https://app.example:443']) {
      assert.deepEqual(checkOrigin(o, ['https://app.example']), { ok: false, reason: 'bad_origin' }, o);
    }
    assert.deepEqual(checkOrigin('https://app.example', ['https://APP.example/']), { ok: true, allowOrigin: 'https://app.example' });
  });

  it('takes a Bearer key only at the start of Authorization, and the path only as a whole', () => {
    assert.equal(presentedApiKey({ authorization: 'Basic Bearer abc' }, 'x-api-key'), undefined);
    assert.equal(presentedApiKey({ authorization: 'bearer  abc ' }, 'x-api-key'), 'abc');
    assert.equal(presentedApiKey({}, 'x-api-key'), undefined);
    assert.equal(serverFromPath('/x/mcp/vsphere'), undefined);
    assert.equal(serverFromPath('/mcp/vsphere?x=1'), 'vsphere');
  });
});

/** A request stand-in: readBody only uses headers, events and pause(). */
function fakeRequest(headers: Record<string, string> = {}) {
  const req = Object.assign(new EventEmitter(), { headers, paused: false, pause() { this.paused = true; return this; } });
  return req as typeof req & IncomingMessage;
}
const listeners = (req: EventEmitter) => ['data', 'end', 'error'].map((e) => req.listenerCount(e));

describe('readBody() details', () => {
  it('reads a declared Content-Length equal to the cap, and refuses one byte more before reading', async () => {
    const exact = fakeRequest({ 'content-length': '4' });
    const p = readBody(exact, 4);
    exact.emit('data', Buffer.from('abcd'));
    exact.emit('end');
    const r = await p;
    assert.ok(r.ok && r.bytes.toString() === 'abcd', 'a body of exactly the limit is read whole');
    assert.deepEqual(listeners(exact), [0, 0, 0], 'listeners removed after the end');
    const over = fakeRequest({ 'content-length': '5' });
    assert.deepEqual(await readBody(over, 4), { ok: false, reason: 'too_large' });
    assert.deepEqual(listeners(over), [0, 0, 0], 'never listened');
  });

  it('accepts a streamed body of exactly the cap, and stops at one byte more, pausing and unhooking', async () => {
    const exact = fakeRequest();
    const p = readBody(exact, 4);
    exact.emit('data', Buffer.from('ab'));
    exact.emit('data', Buffer.from('cd'));
    exact.emit('end');
    assert.equal((await p).ok, true);
    const over = fakeRequest();
    const q = readBody(over, 4);
    over.emit('data', Buffer.from('abc'));
    over.emit('data', Buffer.from('de'));
    assert.deepEqual(await q, { ok: false, reason: 'too_large' });
    assert.equal(over.paused, true);
    assert.deepEqual(listeners(over), [0, 0, 0]);
  });

  it('rejects on a request error and unhooks', async () => {
    const req = fakeRequest();
    const p = readBody(req, 4);
    req.emit('error', new Error('aborted'));
    await assert.rejects(p, /aborted/);
    assert.deepEqual(listeners(req), [0, 0, 0]);
  });
});

describe('front door session details', () => {
  const { cleanups } = doorsPerTest();

  it('labels a session with the client name from initialize, cleaned, or http-client', async () => {
    const sessions = new FakeGatewaySessions();
    const { door } = await startDoor({ sessions });
    cleanups.push(() => door.close());
    for (const name of ['  my\u0000cli\u0085ent\n ', '', '\u0007']) {
      const res = await rawRequest(door.port, { headers: mcpHeaders(), body: initializeBody(name) });
      assert.equal(res.status, 200);
    }
    const batch = await rawRequest(door.port, { headers: mcpHeaders(), body: `[${initializeBody('in-a-batch')}]` });
    assert.ok(batch.status < 500, String(batch.status));
    // One sanitizer (issue 11): controls show as U+FFFD, so a label made only of them is visible, not hidden.
    assert.deepEqual(sessions.opened.map((o) => o.clientLabel), ['my\ufffdcli ent', 'http-client', '\ufffd', 'in-a-batch']);
  });

  it('is not reachable on another loopback address (bound to 127.0.0.1, not to all interfaces)', async () => {
    const { door } = await startDoor();
    cleanups.push(() => door.close());
    const reached = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.2', port: door.port });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    assert.equal(reached, false);
  });
});

describe('front door session opening details', () => {
  const { cleanups } = doorsPerTest();

  it('audits a failed session without a string code as plain http, and answers 503', async () => {
    const broken = new FakeGatewaySessions(['vsphere']);
    broken.openSession = async () => { throw Object.assign(new Error('odd'), { code: 42 }); };
    const { door, audit } = await startDoor({ sessions: broken });
    cleanups.push(() => door.close());
    const res = await rawRequest(door.port, { headers: mcpHeaders(), body: initializeBody() });
    assert.equal(res.status, 503);
    assert.deepEqual(audit.records.map((r) => [r.code, r.reason]), [['session_failed', 'http']]);
  });

  it('counts sessions still being opened against maxSessions', async () => {
    const slow = new FakeGatewaySessions(['vsphere']);
    const open = slow.openSession.bind(slow);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    slow.openSession = async (o) => { entered(); await gate; return open(o); };
    const { door, audit } = await startDoor({ sessions: slow, maxSessions: 1 });
    cleanups.push(() => door.close());
    const first = rawRequest(door.port, { headers: mcpHeaders(), body: initializeBody() });
    await inside; // The first initialize waits inside openSession: it already counts.
    assert.equal((await rawRequest(door.port, { headers: mcpHeaders(), body: initializeBody() })).status, 503);
    release();
    assert.equal((await first).status, 200);
    assert.ok(audit.rejections().includes('too_many_sessions'), 'the refused session is audited as too_many_sessions');
  });
});

describe('front door routing details', () => {
  const { door } = doorsPerTest();
  const sessionOf = (res: { headers: Record<string, unknown> }) => String(res.headers['mcp-session-id']);

  it('lets GET and DELETE through to the session check, not 405', async () => {
    const { door: d, audit } = await door();
    for (const method of ['GET', 'DELETE']) {
      const res = await rawRequest(d.port, { method, headers: mcpHeaders() });
      assert.equal(res.status, 400, method);
    }
    assert.deepEqual(audit.rejections(), ['session_required', 'session_required']);
  });

  it('audits why a session id was refused: opened on another server, or with another key', async () => {
    let key = 'kb_first-key-0123456789abcdefghijklmnopqrstuv';
    const { door: d, audit } = await door({ apiKey: () => key });
    const init = await rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': key }), body: initializeBody() });
    assert.equal(init.status, 200);
    const id = sessionOf(init);
    const other = await rawRequest(d.port, { path: '/mcp/p6', headers: mcpHeaders({ 'x-api-key': key, 'mcp-session-id': id }), body: '{"jsonrpc":"2.0","id":2,"method":"ping"}' });
    assert.equal(other.status, 404);
    key = 'kb_second-key-0123456789abcdefghijklmnopqrstu';
    const rotated = await rawRequest(d.port, { headers: mcpHeaders({ 'x-api-key': key, 'mcp-session-id': id }), body: '{"jsonrpc":"2.0","id":3,"method":"ping"}' });
    assert.equal(rotated.status, 404);
    assert.deepEqual(audit.records.filter((r) => r.code === 'session_mismatch').map((r) => r.reason), ['http: session opened on vsphere', 'http: session opened with another API key']);
  });

  it('cuts a long client name to 128 characters for the session label', async () => {
    const sessions = new FakeGatewaySessions();
    const { door: d } = await door({ sessions });
    assert.equal((await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody('n'.repeat(200)) })).status, 200);
    assert.equal(sessions.opened[0]?.clientLabel, `${'n'.repeat(127)}\u2026`);
  });

  it('opens a session for a batch that holds an initialize among other messages', async () => {
    const sessions = new FakeGatewaySessions();
    const { door: d } = await door({ sessions });
    await rawRequest(d.port, { headers: mcpHeaders(), body: `[${initializeBody('batch')},{"jsonrpc":"2.0","method":"notifications/initialized"}]` });
    assert.deepEqual(sessions.opened.map((o) => o.clientLabel), ['batch']);
  });

  it('leaves nothing behind when the transport refuses the initialize (wrong Accept)', async () => {
    const sessions = new FakeGatewaySessions();
    const { door: d } = await door({ sessions });
    const res = await rawRequest(d.port, { headers: mcpHeaders({ accept: 'text/plain' }), body: initializeBody() });
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    assert.equal(sessions.opened.length, 1);
    assert.equal(d.sessionCount, 0);
    await until('the gateway session to close', () => sessions.liveCount === 0);
  });

  it('answers 503 when opening a session throws something without a code at all', async () => {
    const broken = new FakeGatewaySessions(['vsphere']);
    broken.openSession = async () => { throw null; };
    const { door: d, audit } = await door({ sessions: broken });
    assert.equal((await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() })).status, 503);
    assert.deepEqual(audit.records.map((r) => [r.code, r.reason]), [['session_failed', 'http']]);
  });

  it('refuses even without an internal-error handler when the audit write fails', async () => {
    const { door: d } = await door({ audit: { append: () => { throw new Error('disk full'); } }, onInternalError: undefined });
    assert.equal((await rawRequest(d.port, { headers: { ...mcpHeaders(), host: 'evil.example' }, body: initializeBody() })).status, 403);
  });

  it('reports a taken port with its cause', async () => {
    const { door: d } = await door();
    await assert.rejects(startDoor({ port: d.port }), (e: Error & { cause?: { code?: string } }) => e.cause?.code === 'EADDRINUSE');
  });
});
