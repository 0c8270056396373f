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
import { SSE_KEEP_ALIVE_MS, STALLED_RESPONSE_MS } from '../../../src/platform/http/stalled-responses.js';
import type { GatewaySessions } from '../../../src/platform/gateway/gateway-sessions.js';
import type { AuditInput, AuditSink } from '../../../src/platform/ports/audit-sink.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { ManualClock } from '../../mocks/manual-clock.js';
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
async function world(clock?: ManualClock, audit?: AuditSink) {
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
  const started = await door({ sessions: sessions as unknown as FakeGatewaySessions, ...(clock && { clock }), ...(audit && { audit }) });
  return { g, child, reports, d: started.door, transports, audit: started.audit, errors: started.errors };
}

/** A raw POST whose SSE answer is not read until `read()`; `messages` are its events once read. */
function openStream(port: number, headers: Record<string, string>, body: unknown) {
  const messages: SseMessage[] = [];
  let res: http.IncomingMessage | undefined;
  let buf = '';
  /** Everything read, comments included. */
  let text = '';
  let closed = false;
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/mcp/evil', headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false });
  const opened = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', (r) => resolve((res = r)));
    req.on('error', reject);
  });
  req.on('close', () => void (closed = true));
  req.end(JSON.stringify(body));
  const read = () => {
    res!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      buf += chunk;
      for (let end = buf.indexOf('\n\n'); end !== -1; end = buf.indexOf('\n\n')) {
        const data = buf.slice(0, end).split('\n').find((l) => l.startsWith('data: '));
        buf = buf.slice(end + 2);
        if (data) messages.push(JSON.parse(data.slice('data: '.length)) as SseMessage);
      }
    });
  };
  return { opened, read, messages, text: () => text, closed: () => closed, destroy: () => req.destroy() };
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

/** An initialized raw session on `/mcp/evil`: the headers of its later requests. */
async function rawSession(port: number, name: string): Promise<Record<string, string>> {
  const init = await rawRequest(port, { path: '/mcp/evil', headers: mcpHeaders(), body: initializeBody(name) });
  assert.equal(init.status, 200, `initialize answered: ${init.body}`);
  const headers = mcpHeaders({ 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' });
  assert.equal((await rawRequest(port, { path: '/mcp/evil', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).status, 202, 'initialized accepted');
  return headers;
}

/** `evil_answer` that reports its arrival and its cancel, answered only on `answer-held`. */
const heldCall = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'evil_answer', arguments: { raw: '{"ch":"report","kind":"got"}\n', later: answer, tellCancel: true }, _meta: { progressToken: 'tok' } } });

describe('an HTTP client that never reads and never closes (D277)', () => {
  /** Two calls of one session whose client reads neither stream, each flooded with progress, on `clock`; then the first tick. */
  async function stalledSession(clock: ManualClock, audit?: AuditSink) {
    const w = await world(clock, audit);
    const headers = await rawSession(w.d.port, 'stalled');
    const streams: Array<ReturnType<typeof openStream>> = [];
    for (const [i, id] of [7, 8].entries()) {
      const stream = openStream(w.d.port, headers, heldCall(id));
      streams.push(stream);
      cleanups.push(async () => stream.destroy());
      assert.equal((await stream.opened).statusCode, 200, 'the SSE stream opened');
      await until(`call ${i + 1} at the child`, () => w.reports.filter((r) => r === 'got').length === i + 1);
      // The child's progress goes to its latest call.
      w.child.send({ ch: 'attack', kind: 'progress', n: N, kib: 256 });
      await until(`flood ${i + 1} through the host`, () => w.reports.filter((r) => r === 'progress-done').length === i + 1);
    }
    // The first tick sees both responses full; the bound counts from there.
    clock.advance(SSE_KEEP_ALIVE_MS);
    return { ...w, headers, streams };
  }

  it('Security: once its responses have been full for the bound, its connection is closed, its session ended, its calls cancelled at the child, and one record says so', async () => {
    const clock = new ManualClock();
    const { g, reports, d, transports, audit, headers, streams } = await stalledSession(clock);
    clock.advance(STALLED_RESPONSE_MS - SSE_KEEP_ALIVE_MS);
    assert.equal(d.sessionCount, 1, 'one tick before the bound the session is open');
    assert.ok(queuedOnStreams(transports) <= 4, 'and nothing more was queued on its streams meanwhile (no keep-alive onto a full stream)');
    clock.advance(SSE_KEEP_ALIVE_MS);
    assert.equal(d.sessionCount, 0, `the session of a client that read nothing of its full response for ${STALLED_RESPONSE_MS / 60_000} minutes is still open`);
    await until('both calls cancelled at the child', () => reports.filter((r) => r === 'cancel-seen').length === 2);
    await until('both calls audited', () => g.audit.filter((r) => r.event === 'tool.called').length === 2);
    assert.deepEqual(g.audit.filter((r) => r.event === 'tool.called').map((r) => [r.client, r.outcome]), [['stalled', 'cancelled'], ['stalled', 'cancelled']], 'one record per call: cancelled');
    assert.deepEqual(audit.records.filter((r) => r.code === 'stalled_client').map((r) => [r.event, r.server, r.client, r.outcome]), [['gateway.rejected', 'evil', 'stalled', 'cancelled']], 'one record says why the session ended, not one per stalled response');
    // The client, reading at last, finds what the kernel still held, then the end of the connection.
    for (const stream of streams) stream.read();
    await until('the connections closed by the host', () => streams.every((st) => st.closed()));
    assert.ok(!streams.some((st) => st.messages.some((m) => m.id === 7 || m.id === 8)), 'no answer: the calls were cancelled');
    const again = await rawRequest(d.port, { path: '/mcp/evil', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }) });
    assert.equal(again.status, 404, 'its id opens nothing any more: the client starts a new session');
  });

  it('a failed audit write of the stall is reported, and the session is closed all the same', async () => {
    const clock = new ManualClock();
    const broken: AuditSink = {
      append(record: AuditInput) {
        if (record.code === 'stalled_client') throw new Error('audit disk full');
      },
    };
    const { d, errors, reports } = await stalledSession(clock, broken);
    clock.advance(STALLED_RESPONSE_MS);
    assert.equal(d.sessionCount, 0, 'the session closed though its record could not be written');
    assert.deepEqual(errors.map((e) => (e as Error).message), ['audit disk full'], 'the failed write reported as an internal error');
    await until('the calls cancelled at the child', () => reports.filter((r) => r === 'cancel-seen').length === 2);
  });

  it("the SDK's keep-alive is off; the door's reaches a client that reads, one a tick, until its answer", async () => {
    const clock = new ManualClock();
    const { reports, child, d, transports } = await world(clock);
    const headers = await rawSession(d.port, 'reader');
    const stream = openStream(d.port, headers, heldCall(7));
    cleanups.push(async () => stream.destroy());
    await stream.opened;
    stream.read();
    await until('the call at the child', () => reports.includes('got'));
    const sdkKeepAlive = transports.map((t) => (t as unknown as { _webStandardTransport: { _keepAliveMs: number } })._webStandardTransport._keepAliveMs);
    assert.deepEqual(sdkKeepAlive, [0], "the SDK's own keep-alive, which enqueued onto full streams too, is off");
    for (let tick = 1; tick <= 3; tick++) {
      clock.advance(SSE_KEEP_ALIVE_MS);
      await until(`keep-alive ${tick}`, () => stream.text().split(': keepalive\n\n').length - 1 === tick);
    }
    child.send({ ch: 'attack', kind: 'answer-held' });
    await until('the result', () => stream.messages.some((m) => m.id === 7));
    assert.equal(d.sessionCount, 1, 'a client that reads keeps its session, however long its call');
  });
});
