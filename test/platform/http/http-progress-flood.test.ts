// D242 left the HTTP door open: the SDK's Streamable HTTP transport enqueues each message on the
// call's SSE stream without waiting, so the gateway's bound (at most PROGRESS_WAITING_PER_CALL
// progress notifications of a call waiting for its client) never held there: a compromised
// child's progress flood for a call made over HTTP by a client that does not read its SSE stream
// grew the host. Now a message for a request's stream waits while that stream's HTTP response
// cannot take more (http/sse-backpressure.ts), as the gateway socket's transport waits for its
// socket, so D242's bound holds at this door too.
// Real parts: the real HttpFrontDoor and Gateway, the compromised child (`--mcp`), a raw HTTP
// client with the API key that opens the call's SSE stream and stops reading; an SDK client that
// reads. The host's queue is measured on the SDK transport's own SSE stream (its chunks not yet
// taken by the response), not by RSS.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { PROGRESS_WAITING_PER_CALL } from '../../../src/platform/gateway/gateway.js';
import type { GatewaySessions } from '../../../src/platform/gateway/gateway-sessions.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from '../gateway/gateway-harness.js';
import { doorsPerTest, initializeBody, mcpHeaders, rawRequest, TEST_KEY, type FakeGatewaySessions } from './http-test-kit.js';

const EVIL: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs'), args: ['--mcp'] };
const N = 100;
/** What the child writes when told `answer-held`: the call's result. */
const answer = '{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":{"content":[{"type":"text","text":"done"}]}}}\n';
const { cleanups, door } = doorsPerTest();

interface SseMessage { id?: unknown; method?: string; params?: Progress & { progressToken?: unknown }; result?: CallToolResult }

/**
 * Test hook: chunks the SDK transport enqueued on its SSE streams that the HTTP response has not
 * taken yet (each stream's default queue counts chunks, so its desiredSize is 1 less that count).
 */
function queuedOnStreams(transports: StreamableHTTPServerTransport[]): number {
  let queued = 0;
  for (const t of transports) {
    const inner = (t as unknown as { _webStandardTransport: { _streamMapping: Map<string, { controller?: ReadableStreamDefaultController }> } })._webStandardTransport;
    for (const s of inner._streamMapping.values()) queued += Math.max(0, 1 - (s.controller?.desiredSize ?? 1));
  }
  return queued;
}

/** The real Gateway and door with the compromised child; `transports` are the door's session transports, for the hook. */
async function world() {
  const g = makeGateway(gatewayConfig(), { spec: EVIL });
  const child = g.startChild();
  cleanups.push(() => g.dispose());
  const reports: string[] = [];
  child.onDidMessage((m) => {
    const r = m as { ch?: string; kind?: string };
    if (r.ch === 'report' && r.kind) reports.push(r.kind);
  });
  const transports: StreamableHTTPServerTransport[] = [];
  const sessions: GatewaySessions = {
    servers: () => g.gateway.servers(),
    openSession: (o) => {
      transports.push(o.transport as StreamableHTTPServerTransport);
      return g.gateway.openSession(o);
    },
  };
  const { door: d } = await door({ sessions: sessions as unknown as FakeGatewaySessions });
  return { g, child, reports, d, transports };
}

/** A raw POST whose SSE answer is not read until `read()`; `messages` are its events once read. */
function openStream(port: number, headers: Record<string, string>, body: unknown) {
  const messages: SseMessage[] = [];
  let res: http.IncomingMessage | undefined;
  let buf = '';
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/mcp/evil', headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false });
  const opened = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', (r) => resolve((res = r)));
    req.on('error', reject);
  });
  req.end(JSON.stringify(body));
  const read = () => {
    res!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      for (let end = buf.indexOf('\n\n'); end !== -1; end = buf.indexOf('\n\n')) {
        const data = buf.slice(0, end).split('\n').find((l) => l.startsWith('data: '));
        buf = buf.slice(end + 2);
        if (data) messages.push(JSON.parse(data.slice('data: '.length)) as SseMessage);
      }
    });
  };
  return { opened, read, messages, destroy: () => req.destroy() };
}

describe('a child that floods progress for an HTTP client that does not read its SSE stream (D242 at the HTTP door)', () => {
  it('Security: the host queues at most a few notifications on the stream; the client then gets them in order, the last one, then the result', async () => {
    const { reports, child, d, transports } = await world();
    const init = await rawRequest(d.port, { path: '/mcp/evil', headers: mcpHeaders(), body: initializeBody('stalled') });
    assert.equal(init.status, 200, `initialize answered: ${init.body}`);
    const headers = mcpHeaders({ 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' });
    assert.equal((await rawRequest(d.port, { path: '/mcp/evil', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).status, 202, 'initialized accepted');
    // The client opens the call's SSE stream and does not read it.
    const stream = openStream(d.port, headers, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'evil_answer', arguments: { raw: '{"ch":"report","kind":"got"}\n', later: answer }, _meta: { progressToken: 'tok' } } });
    cleanups.push(async () => stream.destroy());
    assert.equal((await stream.opened).statusCode, 200, 'the SSE stream opened');
    await until('the call at the child', () => reports.includes('got'));
    child.send({ ch: 'attack', kind: 'progress', n: N, kib: 256 });
    await until('the progress flood through the host', () => reports.includes('progress-done'));
    const queued = queuedOnStreams(transports);
    assert.ok(queued <= 2, `the host queued ${queued} of the child's ${N} progress notifications on the SSE stream of a client that did not read`);
    child.send({ ch: 'attack', kind: 'answer-held' });
    stream.read();
    await until('the result', () => stream.messages.some((m) => m.id === 7));
    const progress = stream.messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params!);
    const resultAt = stream.messages.findIndex((m) => m.id === 7);
    assert.equal(stream.messages[resultAt]!.result?.content[0]?.type === 'text' && (stream.messages[resultAt]!.result!.content[0] as { text: string }).text, 'done', "the child's result reached the client");
    assert.ok(stream.messages.slice(resultAt + 1).every((m) => m.method !== 'notifications/progress'), 'no progress after the result');
    assert.ok(progress.every((p) => p.progressToken === 'tok'), "the client's own token on each");
    assert.ok(progress.every((p, i) => i === 0 || p.progress > progress[i - 1]!.progress), 'progress in order');
    assert.equal(progress.at(-1)?.progress, N, 'the last progress arrives');
    assert.ok(progress.length < N / 2, `the client got ${progress.length} of the child's ${N} progress notifications after it read again (at most ${PROGRESS_WAITING_PER_CALL} waiting in the gateway, a few in the stream, the rest in the kernel's socket buffers): the host kept them`);
  });

  it('a client that closes its stalled stream leaves nothing waiting: the call ends when the child answers and is audited once', async () => {
    const { g, reports, child, d, transports } = await world();
    const init = await rawRequest(d.port, { path: '/mcp/evil', headers: mcpHeaders(), body: initializeBody('stalled') });
    const headers = mcpHeaders({ 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' });
    await rawRequest(d.port, { path: '/mcp/evil', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    const stream = openStream(d.port, headers, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'evil_answer', arguments: { raw: '{"ch":"report","kind":"got"}\n', later: answer }, _meta: { progressToken: 'tok' } } });
    await stream.opened;
    await until('the call at the child', () => reports.includes('got'));
    child.send({ ch: 'attack', kind: 'progress', n: 40, kib: 256 });
    await until('the progress flood through the host', () => reports.includes('progress-done'));
    stream.destroy();
    child.send({ ch: 'attack', kind: 'answer-held' });
    await until('the call audited', () => g.audit.some((r) => r.event === 'tool.called'));
    assert.deepEqual(g.audit.filter((r) => r.event === 'tool.called').map((r) => [r.client, r.outcome]), [['stalled', 'ok']], 'one record of the call');
    assert.equal(queuedOnStreams(transports), 0, 'nothing left on a stream');
  });

  it('a client that reads its stream gets every progress notification, in order, before the result', async () => {
    const { reports, child, d } = await world();
    const client = new Client({ name: 'reader', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${d.url}/mcp/evil`), { requestInit: { headers: { 'x-api-key': TEST_KEY } } }));
    cleanups.push(() => client.close());
    const seen: number[] = [];
    const result = client.callTool({ name: 'evil_answer', arguments: { raw: '{"ch":"report","kind":"got"}\n', later: answer } }, undefined, { onprogress: (p) => void seen.push(p.progress), timeout: 3_600_000 });
    await until('the call at the child', () => reports.includes('got'));
    // Rounds of notifications larger than the response's buffer, so each one waits for the stream to drain.
    const rounds = 10;
    const each = 5;
    for (let r = 0; r < rounds; r++) {
      child.send({ ch: 'attack', kind: 'progress', n: each, kib: 64, from: r * each });
      await until(`round ${r + 1} read by the client`, () => seen.at(-1) === (r + 1) * each);
    }
    child.send({ ch: 'attack', kind: 'answer-held' });
    const r = (await result) as CallToolResult;
    assert.equal((r.content[0] as { text: string }).text, 'done', "the child's result");
    assert.deepEqual(seen, Array.from({ length: rounds * each }, (_, i) => i + 1), 'every progress notification, in order, before the result');
  });
});
