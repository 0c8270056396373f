// The toolkit's endpoint pool: one connection per endpoint, rebuilt when the grant's upstream
// settings change, closed on dispose; the server's own errors for no endpoint and no source.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenGrant } from '../../../../src/base/contracts/token-protocol.js';
import { Emitter } from '../../../../src/base/events/emitter.js';
import { EndpointPool, McpToolError } from '../../../../src/mcp/runtime/toolkit/index.js';
import type { TokenSource } from '../../../../src/mcp/runtime/token-source.js';

function tokens(upstream: Record<string, TokenGrant['upstream']>): TokenSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    get: async (endpoint) => {
      asked.push(endpoint);
      return { ch: 'broker', t: 'token.grant', id: 'g', endpoint, token: `tok-${endpoint}`, expiresAt: Number.MAX_SAFE_INTEGER, upstream: upstream[endpoint]! };
    },
    renew: () => Promise.reject(new Error('not used')),
    onDidRevoke: new Emitter<string>().event,
    listEndpoints: async () => [],
  };
}

function pool(source: TokenSource | undefined, defaultEndpoint?: string) {
  const opened: { name: string; url: string; closed: boolean }[] = [];
  const p = new EndpointPool({
    tokens: source,
    defaultEndpoint,
    open: (name, grant) => {
      const c = { name, url: grant.upstream.url, closed: false, close: async () => void (c.closed = true) };
      opened.push(c);
      return c;
    },
    noEndpoint: () => new McpToolError('X_NO_ENDPOINT', 'pass the endpoint argument'),
    noSource: () => new McpToolError('X_NO_SESSION', 'run it through KeyBroker'),
  });
  return { p, opened };
}

describe('EndpointPool', () => {
  it('reuses a connection while the upstream settings hold, and rebuilds (closing the old) when they change', async () => {
    const upstream = { vc1: { url: 'https://vc1.example/sdk' } as TokenGrant['upstream'] };
    const source = tokens(upstream);
    const { p, opened } = pool(source);
    const a = await p.connection('vc1');
    assert.equal(await p.connection('vc1'), a);
    assert.deepEqual(source.asked, ['vc1', 'vc1'], 'asks for the grant on every call (a revoked token is seen at once)');
    upstream.vc1 = { url: 'https://vc1.example/sdk', fingerprintSha256: 'AB'.repeat(32) };
    const b = await p.connection('vc1');
    assert.notEqual(b, a);
    assert.equal(opened[0]!.closed, true);
    await p.dispose();
    assert.equal(opened[1]!.closed, true);
  });

  it('uses the default endpoint when a call names none; else throws the server\'s coded error', async () => {
    const source = tokens({ only: { url: 'https://p6.example/p6ws' } });
    const withDefault = pool(source, 'only');
    assert.equal((await withDefault.p.connection(undefined)).name, 'only');
    await assert.rejects(pool(source).p.connection(undefined), (e: McpToolError) => e.code === 'X_NO_ENDPOINT');
    await assert.rejects(pool(undefined, 'only').p.connection(undefined), (e: McpToolError) => e.code === 'X_NO_SESSION');
    await assert.rejects(pool(undefined).p.list(), (e: McpToolError) => e.code === 'X_NO_SESSION');
    await withDefault.p[Symbol.asyncDispose]();
    assert.equal(withDefault.opened[0]!.closed, true, 'async-disposable');
  });
});
