// Every refusal of the HTTP front door: its status, its exact one-line message, the
// JSON-RPC error shape, the auth challenge only on 401, and its audit line (never more than
// 200 characters of a Host or Origin). Found by mutation testing (docs/TESTING.md).
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { describe, it } from 'node:test';
import { auditRejection, writeRejection, type HttpRejectionReason } from '../../../src/platform/http/http-rejection.js';
import { MemoryAudit } from './http-test-kit.js';

const EXPECTED: Record<HttpRejectionReason, [number, string]> = {
  bad_host: [403, 'Host header not allowed; address the server as 127.0.0.1:PORT or localhost:PORT'],
  null_origin: [403, 'the null Origin is never allowed; load the client from an http(s) origin listed in http.corsOrigins'],
  bad_origin: [403, "Origin not allowed; add it with 'keybroker http enable --cors ORIGIN'"],
  key_not_configured: [401, "no API key is set up; run 'keybroker http enable' on this machine"],
  no_api_key: [401, 'missing API key; send it in the configured API key header or as Authorization: Bearer KEY'],
  bad_api_key: [401, "wrong API key; use the key printed by 'keybroker http enable' or 'keybroker http rotate-key'"],
  rate_limited: [429, 'too many requests; retry after the number of seconds in Retry-After'],
  unauth_limited: [429, 'too many refused requests from this address; fix the Host, Origin or API key, then retry after Retry-After'],
  unknown_server: [404, "no such MCP server; use /mcp/SERVER with a server listed by 'keybroker status'"],
  method_not_allowed: [405, 'method not allowed; use POST, GET or DELETE'],
  body_too_large: [413, 'request body too large; send smaller messages'],
  bad_json: [400, 'Parse error: the body is not JSON'],
  session_required: [400, 'Bad Request: Mcp-Session-Id header is required; send initialize first'],
  unknown_session: [404, 'Session not found; start a new session with initialize'],
  session_mismatch: [404, 'Session not found; start a new session with initialize'],
  too_many_sessions: [503, 'too many open sessions; close unused sessions (HTTP DELETE) and retry'],
  session_failed: [503, "the gateway could not open a session for this server; check 'keybroker status'"],
  shutting_down: [503, 'KeyBroker is shutting down; retry once it runs again'],
};

/** Serve one writeRejection and read it back over a real socket. */
async function answer(reason: HttpRejectionReason, headers?: Record<string, string>) {
  const server = http.createServer((_req, res) => writeRejection(res, reason, headers));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as net.AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    return { status: res.status, headers: res.headers, text: await res.text() };
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe('writeRejection()', () => {
  it('answers each reason with its status and message as a JSON-RPC error', async () => {
    for (const [reason, [status, message]] of Object.entries(EXPECTED) as [HttpRejectionReason, [number, string]][]) {
      const r = await answer(reason);
      assert.equal(r.status, status, reason);
      assert.deepEqual(JSON.parse(r.text), { jsonrpc: '2.0', error: { code: status === 404 ? -32001 : -32000, message }, id: null }, reason);
      assert.equal(r.headers.get('content-type'), 'application/json');
      assert.equal(r.headers.get('content-length'), String(Buffer.byteLength(r.text)));
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('www-authenticate'), status === 401 ? 'Bearer realm="keybroker"' : null, reason);
    }
  });

  it('adds the extra headers it is given', async () => {
    const r = await answer('rate_limited', { 'Retry-After': '7' });
    assert.equal(r.headers.get('retry-after'), '7');
  });
});

describe('auditRejection()', () => {
  it('audits the reason, the server when known, and at most 200 characters of the detail', () => {
    const audit = new MemoryAudit();
    auditRejection(audit, 'bad_host', undefined, undefined);
    auditRejection(audit, 'bad_origin', 'vsphere', 'https://evil.example');
    auditRejection(audit, 'bad_host', 'p6', 'h'.repeat(300));
    assert.deepEqual(audit.records[0], { event: 'gateway.rejected', outcome: 'denied', code: 'bad_host', reason: 'http' });
    assert.equal(Object.hasOwn(audit.records[0]!, 'server'), false);
    assert.deepEqual(audit.records[1], { event: 'gateway.rejected', outcome: 'denied', code: 'bad_origin', server: 'vsphere', reason: 'http: https://evil.example' });
    assert.equal(audit.records[2]?.reason, `http: ${'h'.repeat(200)}`);
  });
});
