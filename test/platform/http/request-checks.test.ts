import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalOrigin, checkOrigin, isAllowedHost, presentedApiKey, serverFromPath } from '../../../src/platform/http/request-checks.js';

describe('isAllowedHost()', () => {
  it('accepts only 127.0.0.1:PORT and localhost:PORT', () => {
    assert.equal(isAllowedHost('127.0.0.1:4000', 4000), true);
    assert.equal(isAllowedHost('LocalHost:4000', 4000), true);
    for (const host of [undefined, '', '127.0.0.1', '127.0.0.1:4001', 'localhost', 'evil.example:4000', '127.0.0.1.nip.io:4000', '[::1]:4000', '0.0.0.0:4000']) {
      assert.equal(isAllowedHost(host, 4000), false, String(host));
    }
  });
});

describe('canonicalOrigin()', () => {
  it('accepts http(s) origins, lower-casing them and tolerating one trailing slash', () => {
    assert.equal(canonicalOrigin('https://App.Example'), 'https://app.example');
    assert.equal(canonicalOrigin('https://app.example/'), 'https://app.example');
    assert.equal(canonicalOrigin('http://localhost:5173'), 'http://localhost:5173');
  });

  it('refuses anything that is not a plain origin', () => {
    for (const value of ['null', '*', 'file:///tmp/x', 'https://app.example/path', 'https://u:p@app.example', 'https://app.example?q', 'app.example', 'chrome-extension://abc', 'https://app.example:443']) {
      assert.equal(canonicalOrigin(value), undefined, value);
    }
  });
});

describe('checkOrigin()', () => {
  it('lets requests without an Origin through without CORS headers', () => {
    assert.deepEqual(checkOrigin(undefined, []), { ok: true });
  });

  it('echoes an allow-listed origin and refuses others', () => {
    const list = ['https://ok.example', 'http://localhost:5173/'];
    assert.deepEqual(checkOrigin('https://ok.example', list), { ok: true, allowOrigin: 'https://ok.example' });
    assert.deepEqual(checkOrigin('http://localhost:5173', list), { ok: true, allowOrigin: 'http://localhost:5173' });
    for (const origin of ['https://evil.example', 'http://ok.example', 'https://ok.example:8443', 'https://ok.example/', 'https://ok.example/x']) {
      assert.deepEqual(checkOrigin(origin, list), { ok: false, reason: 'bad_origin' }, origin);
    }
    assert.deepEqual(checkOrigin('https://ok.example', []), { ok: false, reason: 'bad_origin' });
  });

  it('answers * for a wildcard list but still refuses the null Origin', () => {
    assert.deepEqual(checkOrigin('https://any.example', ['*']), { ok: true, allowOrigin: '*' });
    assert.deepEqual(checkOrigin('null', ['*']), { ok: false, reason: 'null_origin' });
    assert.deepEqual(checkOrigin('NULL', ['https://ok.example']), { ok: false, reason: 'null_origin' });
  });
});

describe('presentedApiKey()', () => {
  it('reads the configured header first, then Authorization: Bearer', () => {
    assert.equal(presentedApiKey({ 'x-api-key': 'k1', authorization: 'Bearer k2' }, 'x-api-key'), 'k1');
    assert.equal(presentedApiKey({ authorization: 'Bearer k2' }, 'x-api-key'), 'k2');
    assert.equal(presentedApiKey({ authorization: 'bearer   k3' }, 'X-Api-Key'), 'k3');
    assert.equal(presentedApiKey({ 'x-custom': 'k4' }, 'X-Custom'), 'k4');
  });

  it('finds nothing in other schemes, empty headers or malformed Bearer values', () => {
    for (const headers of [{}, { 'x-api-key': '' }, { authorization: 'Basic abc' }, { authorization: 'Bearer' }, { authorization: 'Bearer a b' }]) {
      assert.equal(presentedApiKey(headers, 'x-api-key'), undefined, JSON.stringify(headers));
    }
  });
});

describe('serverFromPath()', () => {
  it('takes the server from /mcp/<server>, ignoring a query', () => {
    assert.equal(serverFromPath('/mcp/vsphere'), 'vsphere');
    assert.equal(serverFromPath('/mcp/p6?x=1'), 'p6');
  });

  it('refuses other paths and odd names', () => {
    for (const path of [undefined, '/', '/mcp', '/mcp/', '/mcp/vsphere/', '/mcp/VSPHERE', '/mcp/../p6', '/mcp/%70%36', '/other/p6', `/mcp/${'a'.repeat(33)}`]) {
      assert.equal(serverFromPath(path), undefined, String(path));
    }
  });
});
