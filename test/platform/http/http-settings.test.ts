import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHttpPort, DEFAULT_HTTP_PORT, httpServerUrl, normalizeApiKeyHeader, normalizeCorsOrigin } from '../../../src/platform/http/http-settings.js';

describe('checkHttpPort()', () => {
  it('accepts 1024-65535 and the default', () => {
    for (const port of [1024, DEFAULT_HTTP_PORT, 65535]) assert.equal(checkHttpPort(port), undefined);
  });

  it('refuses 0, privileged, out-of-range and fractional ports, saying why', () => {
    for (const port of [0, 80, 1023, 65536, 4000.5, Number.NaN]) assert.match(checkHttpPort(port) ?? '', /1024 to 65535.*0 is not allowed/);
  });
});

describe('normalizeApiKeyHeader()', () => {
  it('lower-cases a valid name', () => {
    assert.deepEqual(normalizeApiKeyHeader('X-Api-Key'), { ok: true, header: 'x-api-key' });
  });

  it('refuses names HTTP or MCP already use, and malformed ones', () => {
    for (const name of ['Authorization', 'host', 'Origin', 'mcp-session-id', 'cookie']) assert.match(JSON.stringify(normalizeApiKeyHeader(name)), /already has a meaning/);
    for (const name of ['', 'x api key', 'x_api_key', 'a'.repeat(65)]) assert.equal(normalizeApiKeyHeader(name).ok, false, name);
  });
});

describe('normalizeCorsOrigin()', () => {
  it('keeps * and canonicalises origins', () => {
    assert.deepEqual(normalizeCorsOrigin('*'), { ok: true, origin: '*' });
    assert.deepEqual(normalizeCorsOrigin('HTTPS://App.Example/'), { ok: true, origin: 'https://app.example' });
  });

  it('refuses null and anything with a path', () => {
    for (const v of ['null', 'https://a.example/x', 'a.example', 'file:///x']) assert.equal(normalizeCorsOrigin(v).ok, false, v);
  });
});

describe('httpServerUrl()', () => {
  it('is the loopback URL of a server', () => {
    assert.equal(httpServerUrl(47100, 'vsphere'), 'http://127.0.0.1:47100/mcp/vsphere');
  });
});
