// Front-door details that mutation testing showed unguarded (docs/TESTING.md): the audit
// detail of Host and Origin refusals, Vary on every answer, the preflight's own headers,
// the method check, the oversized body's Connection: close, bad JSON, a failing audit sink,
// and when reconfigure() keeps or replaces the rate limiter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MCP_HTTP_METHODS } from '../../../src/platform/http/cors-headers.js';
import { doorsPerTest, initializeBody, mcpHeaders, rawRequest, settings } from './http-test-kit.js';

const { door } = doorsPerTest();

describe('HttpFrontDoor details', () => {
  it('audits the offending Host and Origin, and sends Vary: Origin on refusals too', async () => {
    const { door: d, audit } = await door();
    const badHost = await rawRequest(d.port, { headers: { ...mcpHeaders(), host: 'evil.example:80' }, body: initializeBody() });
    assert.equal(badHost.status, 403);
    const badOrigin = await rawRequest(d.port, { headers: { ...mcpHeaders(), origin: 'https://evil.example' }, body: initializeBody() });
    assert.equal(badOrigin.status, 403);
    assert.equal(badOrigin.headers['vary'], 'Origin');
    const nullOrigin = await rawRequest(d.port, { headers: { ...mcpHeaders(), origin: 'null' }, body: initializeBody() });
    assert.equal(nullOrigin.status, 403);
    assert.deepEqual(audit.records.map((r) => [r.code, r.reason]), [
      ['bad_host', 'http from 127.0.0.1: Host evil.example:80'],
      ['bad_origin', 'http from 127.0.0.1: Origin https://evil.example'],
      ['null_origin', 'http from 127.0.0.1: Origin null'],
    ]);
  });

  it('answers a preflight of an allowed origin with 204, Allow, the CORS and the preflight headers; others get no preflight headers', async () => {
    const { door: d } = await door({ settings: settings({ corsOrigins: ['https://app.example'], apiKeyHeader: 'x-kb-key' }) });
    const ok = await rawRequest(d.port, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers['allow'], MCP_HTTP_METHODS);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(ok.headers['access-control-allow-methods'], MCP_HTTP_METHODS);
    assert.equal(ok.headers['access-control-allow-headers'], 'Content-Type, Accept, Authorization, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID, x-kb-key');
    assert.equal(ok.headers['access-control-expose-headers'], 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate, Retry-After');
    assert.equal(ok.headers['access-control-max-age'], '600');
    const noOrigin = await rawRequest(d.port, { method: 'OPTIONS' });
    assert.equal(noOrigin.status, 204);
    assert.equal(noOrigin.headers['access-control-allow-methods'], undefined);
    assert.equal(noOrigin.headers['access-control-allow-origin'], undefined);
  });

  it('refuses methods other than POST, GET and DELETE with 405, after the key check', async () => {
    const { door: d, audit } = await door();
    for (const method of ['PUT', 'PATCH']) {
      const res = await rawRequest(d.port, { method, headers: mcpHeaders(), body: '{}' });
      assert.equal(res.status, 405, method);
    }
    assert.deepEqual(audit.rejections(), ['method_not_allowed', 'method_not_allowed']);
    assert.equal(audit.records[0]?.server, 'vsphere');
  });

  it('closes the connection after refusing an oversized body, and answers bad JSON with 400', async () => {
    const { door: d, audit } = await door({ maxBodyBytes: 16 });
    const big = await rawRequest(d.port, { headers: mcpHeaders(), body: 'x'.repeat(64) });
    assert.equal(big.status, 413);
    assert.equal(big.headers['connection'], 'close');
    const bad = await rawRequest(d.port, { headers: mcpHeaders(), body: '{nope' });
    assert.equal(bad.status, 400);
    assert.deepEqual(JSON.parse(bad.body).error, { code: -32000, message: 'Parse error: the body is not JSON' });
    assert.deepEqual(audit.rejections(), ['body_too_large', 'bad_json']);
  });

  it('still refuses when the audit write fails, and reports the failure as internal', async () => {
    const errors: unknown[] = [];
    const { door: d } = await door({ audit: { append: () => { throw new Error('disk full'); } }, onInternalError: (e) => errors.push(e) });
    const res = await rawRequest(d.port, { headers: { ...mcpHeaders(), host: 'evil.example' }, body: initializeBody() });
    assert.equal(res.status, 403);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /disk full/);
  });

  it('reconfigure() keeps the rate budget when the rate is unchanged, and starts afresh when it changes', async () => {
    const now = 1_000_000;
    const { door: d } = await door({ settings: settings({ rateLimitPerMinute: 1 }), now: () => now });
    const get = async () => (await rawRequest(d.port, { method: 'GET', path: '/mcp/nope', headers: mcpHeaders() })).status;
    assert.equal(await get(), 404);
    assert.equal(await get(), 429);
    d.reconfigure(settings({ rateLimitPerMinute: 1, corsOrigins: ['https://x.example'] }));
    assert.equal(await get(), 429, 'same rate: the spent budget stays spent');
    d.reconfigure(settings({ rateLimitPerMinute: 2 }));
    assert.equal(await get(), 404, 'new rate: a fresh budget');
  });

  it('says where it listens', async () => {
    const { door: d } = await door();
    assert.equal(d.url, `http://127.0.0.1:${d.port}`);
    assert.ok(d.port > 0, 'the door listens on a real port');
    assert.equal(d.sessionCount, 0);
  });
});
