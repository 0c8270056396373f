// The front door's edges that mutation testing left unguarded (docs/TESTING.md "Not yet
// killed", issue 12): an internal error answered with a JSON-RPC 500 and reported, a request
// that arrives on an open connection while close() is under way, a session the gateway
// ends on its own (host stopping, server gone), and a transport or gateway close that fails.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { describe, it } from 'node:test';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { FrontDoor, GatewaySession, GatewaySessions } from '../../../src/platform/gateway/gateway-sessions.js';
import { doorsPerTest, FakeGatewaySessions, initializeBody, mcpHeaders, rawRequest } from './http-test-kit.js';

const { door, cleanups } = doorsPerTest();

/** Poll `cond` on the event loop until it holds (the test runner's own limit bounds the wait). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * FakeGatewaySessions whose sessions the test can end from the gateway side, or make fail
 * to close: `sessions[i].end()` settles `closed` (resolved or rejected), as the gateway does
 * when the host stops or the server goes away.
 */
class ControlledSessions implements GatewaySessions {
  readonly inner = new FakeGatewaySessions();
  readonly sessions: Array<{ end: (error?: Error) => void; closeCalls: number }> = [];
  /** When set, close() waits for it (a slow session close). */
  closeGate: Promise<void> | undefined;
  /** When set, close() rejects with it. */
  closeError: Error | undefined;

  servers(): string[] {
    return this.inner.servers();
  }

  async openSession(options: { server: string; clientLabel: string; via: FrontDoor; transport: Transport }): Promise<GatewaySession> {
    const real = await this.inner.openSession(options);
    let settle!: (error?: Error) => void;
    const closed = new Promise<void>((resolve, reject) => (settle = (e) => (e ? reject(e) : resolve())));
    // Nobody awaits `closed` when the router has already forgotten the session.
    closed.catch(() => {});
    const handle = { end: (e?: Error) => settle(e), closeCalls: 0 };
    this.sessions.push(handle);
    return {
      server: real.server,
      closed,
      close: async () => {
        handle.closeCalls += 1;
        await this.closeGate;
        await real.close();
        settle();
        if (this.closeError) throw this.closeError;
      },
    };
  }
}

async function openSession(port: number): Promise<string> {
  const res = await rawRequest(port, { headers: mcpHeaders(), body: initializeBody() });
  assert.equal(res.status, 200, res.body);
  return String(res.headers['mcp-session-id']);
}

describe('HttpFrontDoor edges', () => {
  it('answers an internal error with a JSON-RPC 500 that says where to look, and reports the error', async () => {
    const boom = new Error('servers() broke');
    const sessions: GatewaySessions = {
      servers: () => { throw boom; },
      openSession: () => Promise.reject(new Error('not reached')),
    };
    const errors: unknown[] = [];
    const { door: d } = await door({ sessions: sessions as FakeGatewaySessions, onInternalError: (e) => errors.push(e) });
    const res = await rawRequest(d.port, { headers: mcpHeaders(), body: initializeBody() });
    assert.equal(res.status, 500);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body), { jsonrpc: '2.0', error: { code: -32603, message: 'internal error; see the KeyBroker log' }, id: null });
    assert.deepEqual(errors, [boom]);
  });

  it('refuses a request that arrives during close() with 503 shutting_down, and writes no audit record after close() began', async () => {
    const sessions = new ControlledSessions();
    const { door: d, audit } = await door({ sessions: sessions as unknown as FakeGatewaySessions });
    await openSession(d.port);
    // A connection that has started its request (so close() does not drop it as idle) but
    // not finished its headers: the request itself arrives once close() is under way.
    const socket = net.connect(d.port, '127.0.0.1');
    cleanups.push(async () => socket.destroy());
    await once(socket, 'connect');
    socket.write(`GET /mcp/nope HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\n`);
    // A whole request on another connection: once it is answered, the server has read the partial one.
    assert.equal((await rawRequest(d.port, { method: 'GET', path: '/mcp/nope', headers: mcpHeaders() })).status, 404);
    let release!: () => void;
    sessions.closeGate = new Promise((resolve) => (release = resolve));
    const closing = d.close();
    await until(() => sessions.sessions[0]!.closeCalls === 1);
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
    socket.write('x-api-key: kb_test-key-0123456789abcdefghijklmnopqrstuvwxyz\r\nConnection: close\r\n\r\n');
    await once(socket, 'end');
    release();
    await closing;
    assert.match(answer, /^HTTP\/1\.1 503 /);
    assert.match(answer, /shutting down/);
    assert.deepEqual(audit.rejections(), ['unknown_server'], 'the audit may already be closed');
  });

  it('forgets a session the gateway ends on its own, and then refuses its id as unknown', async () => {
    const sessions = new ControlledSessions();
    const { door: d, audit } = await door({ sessions: sessions as unknown as FakeGatewaySessions });
    const id = await openSession(d.port);
    assert.equal(d.sessionCount, 1);
    sessions.sessions[0]!.end();
    await until(() => d.sessionCount === 0);
    assert.equal(sessions.inner.liveCount, 0, 'the transport and the gateway session were closed too');
    const res = await rawRequest(d.port, { headers: mcpHeaders({ 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' }), body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    assert.equal(res.status, 404);
    assert.deepEqual(audit.rejections(), ['unknown_session']);
  });

  it('forgets a session whose gateway side fails as well', async () => {
    const sessions = new ControlledSessions();
    const { door: d } = await door({ sessions: sessions as unknown as FakeGatewaySessions });
    await openSession(d.port);
    sessions.sessions[0]!.end(new Error('child crashed'));
    await until(() => d.sessionCount === 0);
    assert.equal(sessions.sessions[0]!.closeCalls, 1);
  });

  it('reports a gateway session that fails to close as internal, and still closes', async () => {
    const sessions = new ControlledSessions();
    const errors: unknown[] = [];
    const { door: d } = await door({ sessions: sessions as unknown as FakeGatewaySessions, onInternalError: (e) => errors.push(e) });
    await openSession(d.port);
    sessions.closeError = new Error('close failed');
    await d.close();
    assert.equal(d.sessionCount, 0);
    assert.deepEqual(errors, [sessions.closeError]);
  });
});
