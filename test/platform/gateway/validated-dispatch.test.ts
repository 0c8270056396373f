// Issue 17 item 3, round 10: the SDK's zod sort of incoming messages is skipped for a socket
// client's requests and a child's results, which our transports have already checked. The sort
// that replaces it must send each such message where the SDK's own sort sends it: a
// differential property test against the SDK's guards, on messages read from JSON text as the
// transports read them, and the real Server and Client through it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { CallToolRequestSchema, JSONRPCMessageSchema, RELATED_TASK_META_KEY, isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isJsonRpcEnvelope } from '../../../src/platform/gateway/forward.js';
import { dispatchValidated, isValidatedRequest, isValidatedResult } from '../../../src/platform/gateway/validated-dispatch.js';

const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(2 ** 53), fc.constant(null), fc.boolean());
const key = fc.constantFrom('a', '_meta', 'progressToken', RELATED_TASK_META_KEY, 'taskId', 'task', 'content', '__proto__');
const obj = fc.dictionary(key, scalar, { maxKeys: 3 });
/** `_meta` of every kind: a progress token of every type, the related-task key right and wrong. */
const meta = fc.oneof(scalar, obj, fc.record({ progressToken: scalar, [RELATED_TASK_META_KEY]: fc.oneof(scalar, fc.record({ taskId: scalar }), obj), other: scalar }, { requiredKeys: [] }));
const holder = fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }), obj, fc.tuple(obj, meta).map(([o, m]) => ({ ...o, _meta: m })));
const message = fc.record({
  jsonrpc: fc.constantFrom('2.0', '2.0', '1.0'),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), scalar),
  method: fc.oneof(fc.constant('tools/call'), fc.string({ maxLength: 4 }), fc.integer()),
  params: holder,
  result: holder,
  error: fc.oneof(scalar, fc.record({ code: fc.oneof(fc.integer(), scalar), message: fc.oneof(fc.string(), scalar), data: scalar }, { requiredKeys: [] })),
  extra: scalar,
}, { requiredKeys: [] });
/** Mostly well-formed requests and results, so both answers of the guards are tested often. */
const likely = fc.oneof(
  message,
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), method: fc.string({ maxLength: 4 }), params: holder }, { requiredKeys: ['jsonrpc', 'method'] }),
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), result: holder }),
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), error: fc.record({ code: fc.integer(), message: fc.string() }) }, { requiredKeys: ['jsonrpc', 'error'] }),
);
/** As the transports see them: JSON text through JSON.parse (so `__proto__` is an own key). */
const fromWire = (m: Record<string, unknown>): JSONRPCMessage => JSON.parse(`{${Object.entries(m).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as JSONRPCMessage;

describe('the sort of validated messages (issue 17, round 10)', () => {
  it('a client message the socket transport accepted goes to _onrequest exactly when the SDK would send it there', () => {
    let requests = 0;
    fc.assert(fc.property(likely, (raw) => {
      const m = fromWire(raw);
      if (!JSONRPCMessageSchema.safeParse(m).success) return;
      const sdkSaysRequest = !(isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m)) && isJSONRPCRequest(m);
      if (sdkSaysRequest) requests++;
      assert.equal(isValidatedRequest(m), sdkSaysRequest, JSON.stringify(m));
    }), { numRuns: 20_000 });
    assert.ok(requests > 1000, `the property saw requests (${requests})`);
  });

  it('a child frame the channel accepted goes to _onresponse only where the SDK would send it there', () => {
    let results = 0;
    let refusedByTheSdk = 0;
    fc.assert(fc.property(likely, (raw) => {
      const m = fromWire(raw);
      if (!isJsonRpcEnvelope(m)) return;
      const sdkSaysResponse = isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m);
      if (isValidatedResult(m)) {
        results++;
        assert.ok(isJSONRPCResultResponse(m), `the SDK's guard accepts ${JSON.stringify(m)}`);
      } else if ('result' in m && !sdkSaysResponse) refusedByTheSdk++;
    }), { numRuns: 20_000 });
    // About 1,000 of the 20,000 runs are such results (992–1,010 in three runs): the bound is well below, so a seed never fails it.
    assert.ok(results > 600, `the property saw results taken directly (${results})`);
    assert.ok(refusedByTheSdk > 10, `and results the SDK refuses, left to it (${refusedByTheSdk})`);
  });

  it('a result whose _meta the SDK refuses is left to the SDK', () => {
    const m = { jsonrpc: '2.0', id: 1, result: { content: [], _meta: { progressToken: true } } } as unknown as JSONRPCMessage;
    assert.equal(isJsonRpcEnvelope(m), true, 'the envelope check reads _meta as an object only');
    assert.equal(isJSONRPCResultResponse(m), false, 'the SDK reads its progressToken');
    assert.equal(isValidatedResult(m), false, 'so it is not taken directly');
  });

  it('is installed on the SDK in use (an upgrade that drops _onrequest/_onresponse fails here), and calls, progress and cancellation still work through it', async () => {
    const server = new Server({ name: 's', version: '1' }, { capabilities: { tools: {} } });
    let cancelled: AbortSignal | undefined;
    Protocol.prototype.setRequestHandler.call(server, CallToolRequestSchema, (async (request: { params: { name: string } }, extra: { signal: AbortSignal; sendNotification: (n: unknown) => Promise<void>; _meta?: { progressToken?: string | number } }) => {
      if (request.params.name === 'hang') {
        cancelled = extra.signal;
        await new Promise((resolve) => extra.signal.addEventListener('abort', resolve));
        return { content: [] };
      }
      const token = extra._meta?.progressToken;
      if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: 1 } });
      return request.params.name === 'meta' ? { content: [], _meta: { note: 'x' } } : { content: [{ type: 'text', text: request.params.name }] };
    }) as never);
    const client = new Client({ name: 'c', version: '1' }, { capabilities: {} });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    await client.connect(b);
    assert.equal(dispatchValidated(server, a, 'requests'), true, 'the server side is sorted directly');
    assert.equal(dispatchValidated(client, b, 'results'), true, 'the client side is sorted directly');
    const result = z.looseObject({ content: z.array(z.unknown()) });
    const progress: number[] = [];
    const echoed = await client.request({ method: 'tools/call', params: { name: 'echo' } }, result, { onprogress: (p) => progress.push(p.progress) });
    assert.deepEqual(echoed.content, [{ type: 'text', text: 'echo' }], 'a request and its result pass');
    assert.deepEqual(progress, [1], 'progress before the result reaches the caller');
    const withMeta = await client.request({ method: 'tools/call', params: { name: 'meta' } }, result);
    assert.deepEqual(withMeta['_meta'], { note: 'x' }, 'a result with _meta passes the SDK\'s own sort');
    const controller = new AbortController();
    const hanging = client.request({ method: 'tools/call', params: { name: 'hang' } }, result, { signal: controller.signal });
    while (!cancelled) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await assert.rejects(hanging, 'the caller sees its cancellation');
    while (!cancelled.aborted) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(cancelled.aborted, true, 'the cancellation notification reached the handler');
    await client.close();
    await server.close();
  });

  it('sends a checked request (server side) and a checked result (client side) past the SDK\'s sort, and every other message through it', async () => {
    const server = new Server({ name: 's', version: '1' }, { capabilities: { tools: {} } });
    Protocol.prototype.setRequestHandler.call(server, CallToolRequestSchema, (async () => ({ content: [] })) as never);
    const client = new Client({ name: 'c', version: '1' }, { capabilities: { roots: { listChanged: true } } });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    await client.connect(b);
    // The SDK's own sort, counted: dispatchValidated keeps it for what it does not take.
    const sorted = { server: [] as JSONRPCMessage[], client: [] as JSONRPCMessage[] };
    const count = (t: InMemoryTransport, into: JSONRPCMessage[]) => {
      const sdk = t.onmessage!;
      t.onmessage = (m, extra) => { into.push(m); sdk(m, extra); };
    };
    count(a, sorted.server);
    count(b, sorted.client);
    assert.equal(dispatchValidated(server, a, 'requests'), true, 'installed on the server side');
    assert.equal(dispatchValidated(client, b, 'results'), true, 'installed on the client side');
    const result = z.looseObject({ content: z.array(z.unknown()) });
    await client.request({ method: 'tools/call', params: { name: 'one' } }, result);
    await client.request({ method: 'tools/call', params: { name: 'two' } }, result);
    assert.deepEqual([sorted.server, sorted.client], [[], []], 'the calls and their results were sorted by the SDK');
    await client.notification({ method: 'notifications/roots/list_changed' });
    await server.ping();
    assert.deepEqual(sorted.server.map((m) => 'method' in m ? m.method : 'answer'), ['notifications/roots/list_changed', 'answer'], 'the server sorted its requests itself, or took a notification or an answer directly');
    assert.deepEqual(sorted.client.map((m) => 'method' in m ? m.method : 'answer'), ['ping'], 'the client sorted its results itself, or took a request directly');
    await client.close();
    await server.close();
  });

  it('pins the SDK method the result settler copies (round 11): an upgrade that changes _onresponse or _cleanupTimeout fails here', () => {
    // On a change, compare the new _onresponse with resultSettler in validated-dispatch.ts, fix it, then the fingerprints.
    const fingerprint = (name: string): string => crypto.createHash('sha256').update(String((Protocol.prototype as unknown as Record<string, unknown>)[name])).digest('hex').slice(0, 16);
    assert.equal(fingerprint('_onresponse'), '71acff36110a3e5b', 'the SDK\'s _onresponse is the one resultSettler copies');
    assert.equal(fingerprint('_cleanupTimeout'), '904a21a03dbe7aad', 'the SDK\'s _cleanupTimeout is the one resultSettler calls');
  });

  it('a result settled without the SDK\'s guard leaves the client exactly as the SDK\'s own _onresponse does (round 11)', async () => {
    /** Requests through a client, answered by hand; what the client holds afterwards. */
    const run = async (direct: boolean) => {
      const client = new Client({ name: 'c', version: '1' }, { capabilities: {} });
      const [mine, peer] = InMemoryTransport.createLinkedPair();
      const asked: Array<{ id: number; method: string }> = [];
      peer.onmessage = (m) => {
        const r = m as { id?: number; method: string };
        if (r.method === 'initialize') void peer.send({ jsonrpc: '2.0', id: r.id!, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } });
        else if (r.id !== undefined) asked.push({ id: r.id, method: r.method });
      };
      await peer.start();
      await client.connect(mine);
      const state = client as unknown as { _responseHandlers: Map<number, unknown>; _progressHandlers: Map<number, unknown>; _timeoutInfo: Map<number, unknown>; _taskProgressTokens: Map<string, number>; _onresponse: (r: JSONRPCMessage) => void };
      let bySdk = 0;
      const sdkOnresponse = state._onresponse;
      state._onresponse = function (this: unknown, r: JSONRPCMessage) { bySdk++; return sdkOnresponse.call(this, r); };
      if (direct) assert.equal(dispatchValidated(client, mine, 'results'), true, 'installed');
      const errors: string[] = [];
      client.onerror = (e) => errors.push(e.message);
      const result = z.looseObject({ content: z.array(z.unknown()).optional() });
      const progress: number[] = [];
      const options = { timeout: 60_000, resetTimeoutOnProgress: true, onprogress: (p: { progress: number }) => progress.push(p.progress) };
      const calls = ['plain', 'plain', 'task', 'error'].map((name) => client.request({ method: 'tools/call', params: { name } }, result, options).then((r) => r, (e: Error) => `rejected: ${e.message}`));
      while (asked.length < 4) await new Promise((resolve) => setImmediate(resolve));
      const reply = (m: unknown) => mine.onmessage!(JSON.parse(JSON.stringify(m)) as JSONRPCMessage);
      reply({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: asked[0]!.id, progress: 1 } });
      reply({ jsonrpc: '2.0', id: asked[0]!.id, result: { content: [{ type: 'text', text: 'a' }] } });
      reply({ jsonrpc: '2.0', id: asked[1]!.id, result: {} });
      reply({ jsonrpc: '2.0', id: asked[2]!.id, result: { content: [], task: { taskId: 't1' } } });
      reply({ jsonrpc: '2.0', id: asked[3]!.id, error: { code: -32000, message: 'no' } });
      reply({ jsonrpc: '2.0', id: 9999, result: {} });
      const settled = await Promise.all(calls);
      const held = { responseHandlers: state._responseHandlers.size, progressHandlers: [...state._progressHandlers.keys()].map((k) => asked.findIndex((a) => a.id === k)), timeouts: state._timeoutInfo.size, taskTokens: [...state._taskProgressTokens.keys()] };
      await client.close();
      return { settled, progress, errors, held, bySdk };
    };
    const sdk = await run(false);
    const ours = await run(true);
    assert.equal(sdk.bySdk, 5, 'without the settler every response goes through the SDK\'s _onresponse');
    assert.equal(ours.bySdk, 3, 'with it the two plain results skip it; the task result, the error and the unknown id do not');
    assert.deepEqual({ ...ours, bySdk: 0 }, { ...sdk, bySdk: 0 }, 'the same results, progress, errors and bookkeeping left behind');
    assert.deepEqual(sdk.held, { responseHandlers: 0, progressHandlers: [2], timeouts: 0, taskTokens: ['t1'] }, 'only the task call keeps its progress handler (the SDK\'s rule)');
    assert.ok(sdk.errors.some((e) => e.includes('unknown message ID')), `the unknown id is reported (${sdk.errors.join('; ')})`);
  });

  it('changes nothing where the SDK has no such entry point', () => {
    const transport = { onmessage: () => undefined, start: async () => undefined, send: async () => undefined, close: async () => undefined };
    const before = transport.onmessage;
    assert.equal(dispatchValidated({}, transport, 'requests'), false, 'not installed');
    assert.equal(transport.onmessage, before, 'the SDK\'s own sort stays');
  });
});
