// D212: calls waiting at the gateway for a place at a child are bounded per session
// (SESSION_CALLS_WAITING) and per client (CLIENT_CALLS_WAITING); before, an HTTP session's waiting
// calls were bounded only by the rate limit. A flood over real HTTP (the real HttpFrontDoor and
// the SDK's Streamable HTTP client) in front of the real Gateway and the compromised child
// (`--mcp`: a call whose answer is empty is never answered, so every place stays taken).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_CALLS_IN_FLIGHT, SESSION_CALLS_WAITING } from '../../../src/platform/gateway/fair-share.js';
import { QUEUED_AUDIT_INTERVAL_MS } from '../../../src/platform/gateway/queued-calls-audit.js';
import type { HttpFrontDoor } from '../../../src/platform/http/http-front-door.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from '../gateway/gateway-harness.js';
import { doorsPerTest, settings, TEST_KEY, type FakeGatewaySessions } from './http-test-kit.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs');
const SPEC: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: FIXTURE, args: ['--mcp'] };
const { cleanups, door } = doorsPerTest();

async function sdkClient(d: HttpFrontDoor, name: string, key = TEST_KEY): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${d.url}/mcp/evil`), { requestInit: { headers: { 'x-api-key': key } } }));
  cleanups.push(() => client.close());
  return client;
}

/** A call the child never answers; settles with the refusal's text, or stays pending. */
const hang = (client: Client) => client.callTool({ name: 'evil_answer', arguments: { raw: '' } }, undefined, { timeout: 3_600_000 }).then((r) => (r as CallToolResult), (e: unknown) => ({ isError: true, content: [{ type: 'text', text: String(e) }] }) as CallToolResult);
const textOf = (r: CallToolResult) => (r.content[0] as { text: string }).text;

function setUp(shares?: NonNullable<Parameters<typeof makeGateway>[1]>['shares']) {
  const clock = new ManualClock();
  const g = makeGateway(gatewayConfig(), { clock, spec: SPEC, ...(shares && { shares }) });
  g.startChild();
  cleanups.push(() => g.dispose());
  const share = (g.gateway as unknown as { entries: Map<string, { share: { waiting: number; serving: number } }> }).entries.get('evil')!.share;
  return { g, clock, share };
}

describe('calls waiting at the gateway are bounded (D212)', () => {
  it('Security: a session that floods over HTTP parks at most SESSION_CALLS_WAITING calls; the rest are refused in one line and audited coalesced', async () => {
    const { g, clock, share } = setUp();
    const { door: d } = await door({ sessions: g.gateway as unknown as FakeGatewaySessions, settings: settings({ rateLimitPerMinute: 100_000 }) });
    const client = await sdkClient(d, 'flooder');
    const extra = 20;
    const settled: CallToolResult[] = [];
    for (let i = 0; i < CLIENT_CALLS_IN_FLIGHT + SESSION_CALLS_WAITING + extra; i++) void hang(client).then((r) => settled.push(r));
    await until('the refused calls answered', () => settled.length === extra);
    assert.equal(share.serving, CLIENT_CALLS_IN_FLIGHT, 'the share at the child');
    assert.equal(share.waiting, SESSION_CALLS_WAITING, 'exactly the bound waits');
    for (const r of settled) {
      assert.equal(r.isError, true, 'a refusal');
      assert.equal(textOf(r), `evil_answer was not run: too many calls waiting for the evil server (${SESSION_CALLS_WAITING} of this session's already wait for a place); retry after some of them end`);
    }
    const rejected = () => g.audit.filter((r) => r.event === 'gateway.rejected' && r.code === 'queue-full');
    assert.deepEqual(rejected().map((r) => [r.server, r.client, r.count]), [['evil', 'flooder', 1]], 'the first refusal at once, the rest counted');
    assert.equal(g.audit.filter((r) => r.event === 'tool.called').length, 0, 'no tool.called line per refused call');
    clock.advance(QUEUED_AUDIT_INTERVAL_MS);
    assert.deepEqual(rejected().map((r) => r.count), [1, extra - 1], 'one summary of the rest');
    assert.equal(settled.length, extra, 'the calls that wait still wait');
  });

  it('Security: sessions of one client key share the client bound; another client is not held by it', async () => {
    const { g, share } = setUp({ clientCap: 1, sessionWaiting: 4, clientWaiting: 6 });
    const { door: d } = await door({ sessions: g.gateway as unknown as FakeGatewaySessions, settings: settings({ rateLimitPerMinute: 100_000 }) });
    const first = await sdkClient(d, 'flooder');
    const second = await sdkClient(d, 'flooder');
    const settled: CallToolResult[] = [];
    for (let i = 0; i < 1 + 4 + 1; i++) void hang(first).then((r) => settled.push(r));
    await until("the first session's refusal", () => settled.length === 1);
    assert.match(textOf(settled[0]!), /\(4 of this session's already wait for a place\)/, textOf(settled[0]!));
    for (let i = 0; i < 2 + 1; i++) void hang(second).then((r) => settled.push(r));
    await until("the second session's refusal", () => settled.length === 2);
    assert.match(textOf(settled[1]!), /\(6 of this client's already wait for a place\)/, textOf(settled[1]!));
    assert.equal(share.waiting, 6, "the client's bound");
    // Every HTTP session of the one API key is one client (D200); another client is a bridge's session.
    const other = await g.connect('other');
    const pending = hang(other);
    await until('the other client\'s call at the child', () => share.serving === 2);
    assert.equal(share.waiting, 6, 'it did not wait');
    void pending;
  });
});
