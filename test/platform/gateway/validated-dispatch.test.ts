// Issue 17 item 3, round 10: the SDK's zod sort of incoming messages is skipped for a socket
// client's requests and a child's results, which our transports have already checked. The sort
// that replaces it must send each such message where the SDK's own sort sends it: a
// differential property test against the SDK's guards, on messages read from JSON text as the
// transports read them, and the real Server and Client through it.
import assert from 'node:assert/strict';
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

  it('changes nothing where the SDK has no such entry point', () => {
    const transport = { onmessage: () => undefined, start: async () => undefined, send: async () => undefined, close: async () => undefined };
    const before = transport.onmessage;
    assert.equal(dispatchValidated({}, transport, 'requests'), false, 'not installed');
    assert.equal(transport.onmessage, before, 'the SDK\'s own sort stays');
  });
});
