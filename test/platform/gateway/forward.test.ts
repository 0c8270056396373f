// Issue 17 item 3: the gateway forwards tools/call results without rebuilding them, and still
// checks what enters from the untrusted sides (the child's frames: size and envelope; the
// client's requests: CallToolRequestSchema).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolResultSchema, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Emitter } from '../../../src/base/events/emitter.js';
import { MAX_CHILD_MCP_FRAME_BYTES, ChildMcpTransport } from '../../../src/platform/gateway/child-mcp-transport.js';
import { isForwardableResult, isJsonRpcEnvelope, setForwardingCallHandler } from '../../../src/platform/gateway/forward.js';
import type { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { readChildFrames } from '../../../src/platform/supervisor/child-channel.js';

/** The transport's view of a child handle: the three members it uses (a real Emitter for exit). */
function transportOverChannel() {
  const exit = new Emitter<void>();
  const handle = { spec: { name: 'evil' }, onDidExit: exit.event, send: () => undefined } as unknown as ChildProcessHandle;
  const invalid: string[] = [];
  const delivered: JSONRPCMessage[] = [];
  const transport = new ChildMcpTransport(handle, (reason) => invalid.push(reason));
  transport.onmessage = (m) => delivered.push(m);
  const input = new PassThrough();
  readChildFrames(input, { onFrame: (f) => transport.receive(f), onViolation: () => assert.fail('no channel violation expected') });
  const settle = () => new Promise((r) => setImmediate(r));
  return { transport, input, invalid, delivered, settle };
}

const ids = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.double(), fc.constant(2 ** 53), fc.constant(null), fc.boolean());
const loose = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
/** Messages near the JSON-RPC envelope: every field present or not, right type or wrong. */
const nearMessages = fc.record({
  jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), fc.constant(undefined)),
  id: fc.oneof(fc.constant(undefined), ids),
  method: fc.oneof(fc.constant(undefined), fc.constant('tools/call'), fc.integer()),
  params: loose,
  result: loose,
  error: fc.oneof(loose, fc.record({ code: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 2 })), message: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()) })),
}).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)));

describe('forwarding (issue 17)', () => {
  it('isJsonRpcEnvelope accepts exactly what JSONRPCMessageSchema accepts', () => {
    fc.assert(fc.property(nearMessages, (m) => {
      assert.equal(isJsonRpcEnvelope(m), JSONRPCMessageSchema.safeParse(m).success, JSON.stringify(m));
    }), { numRuns: 5000 });
    for (const m of [null, [], 'x', 1, [{ jsonrpc: '2.0', method: 'a' }]]) assert.equal(isJsonRpcEnvelope(m), false);
  });

  it('isJsonRpcEnvelope agrees with the schema on each envelope edge a compromised child could try', () => {
    // The random messages above rarely hit one field wrong with all others right; these do.
    const v = { jsonrpc: '2.0' };
    const edges: unknown[] = [
      { ...v, method: 'm' }, { ...v, method: 'm', id: 1 }, { ...v, method: 'm', id: 'a' },
      { ...v, method: 'm', id: null }, { ...v, method: 'm', id: 1.5 }, { ...v, method: 'm', id: true }, { ...v, method: 'm', id: 2 ** 53 },
      { ...v, method: 'm', params: {} }, { ...v, method: 'm', params: [] }, { ...v, method: 'm', params: 1 },
      { ...v, method: 'm', params: { _meta: {} } }, { ...v, method: 'm', params: { _meta: 1 } }, { ...v, method: 'm', params: { _meta: null } }, { ...v, method: 'm', params: { _meta: [] } },
      { ...v, method: 'm', id: 1, extra: 1 }, { ...v, method: 'm', id: 1, result: {} }, { ...v, method: 'm', error: { code: 1, message: 'x' } },
      { ...v, id: 1, result: {} }, { ...v, id: 'a', result: { content: [] } }, { ...v, result: {} }, { ...v, id: null, result: {} }, { ...v, id: 1.5, result: {} },
      { ...v, id: 1, result: [] }, { ...v, id: 1, result: 'x' }, { ...v, id: 1, result: null },
      { ...v, id: 1, result: { _meta: {} } }, { ...v, id: 1, result: { _meta: 'x' } }, { ...v, id: 1, result: { _meta: null } },
      { ...v, id: 1, result: {}, extra: 1 }, { ...v, id: 1, result: {}, error: { code: 1, message: 'x' } },
      { ...v, id: 1, error: { code: 1, message: 'x' } }, { ...v, error: { code: 1, message: 'x' } },
      { ...v, id: null, error: { code: 1, message: 'x' } }, { ...v, id: {}, error: { code: 1, message: 'x' } }, { ...v, id: 1.5, error: { code: 1, message: 'x' } }, { ...v, id: 'a', error: { code: 1, message: 'x' } },
      { ...v, id: 1, error: { code: 1.5, message: 'x' } }, { ...v, id: 1, error: { code: '1', message: 'x' } }, { ...v, id: 1, error: { code: 1 } }, { ...v, id: 1, error: { code: 1, message: 2 } },
      { ...v, id: 1, error: { message: 'x' } }, { ...v, id: 1, error: 'x' }, { ...v, id: 1, error: null }, { ...v, id: 1, error: { code: 1, message: 'x' }, extra: 1 },
      { ...v, id: 1 }, { ...v }, { jsonrpc: '1.0', id: 1, result: {} }, { id: 1, result: {} },
    ];
    for (const m of edges) assert.equal(isJsonRpcEnvelope(m), JSONRPCMessageSchema.safeParse(m).success, JSON.stringify(m));
  });

  it('isForwardableResult: an object whose content is an array and isError a boolean', () => {
    assert.equal(isForwardableResult({ content: [{ type: 'text', text: 'x' }] }), true);
    assert.equal(isForwardableResult({ content: [], isError: true, structuredContent: { a: 1 } }), true);
    // content defaults to [] in CallToolResultSchema: a result without it is forwarded.
    assert.equal(isForwardableResult({ structuredContent: { a: 1 } }), true);
    assert.equal(isForwardableResult({ isError: false }), true);
    assert.equal(CallToolResultSchema.safeParse({ isError: false }).success, true);
    for (const bad of [null, [], 'x', { content: 'x' }, { content: [], isError: 'yes' }]) assert.equal(isForwardableResult(bad), false, JSON.stringify(bad));
    // Whatever passes here also passes the SDK's schema for the fields the gateway reads.
    assert.equal(CallToolResultSchema.safeParse({ content: [] }).success, true);
  });

  it('a child frame that is not a JSON-RPC message is refused, and a valid one after it is delivered', async () => {
    const t = transportOverChannel();
    t.input.write(`${JSON.stringify({ ch: 'mcp', msg: { jsonrpc: '2.0', id: 1, result: 'not an object' } })}\n`);
    t.input.write(`${JSON.stringify({ ch: 'mcp', msg: { jsonrpc: '2.0', method: 'x', params: [1] } })}\n`);
    t.input.write(`${JSON.stringify({ ch: 'mcp', msg: { jsonrpc: '2.0', id: 2, result: { content: [] } } })}\n`);
    await t.settle();
    assert.deepEqual(t.invalid, ['mcp frame is not a JSON-RPC message', 'mcp frame is not a JSON-RPC message']);
    assert.deepEqual(t.delivered, [{ jsonrpc: '2.0', id: 2, result: { content: [] } }]);
  });

  it('the 16 MiB message limit holds without re-encoding small frames: a longer line inside the channel limit is refused', async () => {
    const t = transportOverChannel();
    const big = { jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: 'x'.repeat(MAX_CHILD_MCP_FRAME_BYTES) }] } };
    t.input.write(`${JSON.stringify({ ch: 'mcp', msg: big })}\n`);
    await t.settle();
    assert.equal(t.invalid.length, 1);
    assert.match(t.invalid[0]!, /exceeds 16777216/);
    assert.deepEqual(t.delivered, []);
  });

  it('a frame that did not come through the channel reader is measured by encoding it', async () => {
    const t = transportOverChannel();
    t.transport.receive({ ch: 'mcp', msg: { jsonrpc: '2.0', id: 4, result: { content: [{ type: 'text', text: 'x'.repeat(MAX_CHILD_MCP_FRAME_BYTES) }] } } });
    t.transport.receive({ ch: 'mcp', msg: { jsonrpc: '2.0', id: 5, result: { content: [] } } });
    await t.settle();
    assert.equal(t.invalid.length, 1);
    assert.match(t.invalid[0]!, /exceeds/);
    assert.deepEqual(t.delivered.map((m) => (m as { id: number }).id), [5]);
  });

  it('setForwardingCallHandler: the client request is still validated; the result goes back as the handler made it', async () => {
    const server = new Server({ name: 's', version: '1' }, { capabilities: { tools: {} } });
    let calls = 0;
    // structuredContent that is not an object: the SDK's Server wrapper would have refused it;
    // forwarded, it reaches the client (whose own SDK is the one to judge it).
    setForwardingCallHandler(server, async () => {
      calls++;
      return { content: [{ type: 'text', text: 'ok' }], extra: { kept: true } } as never;
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    await b.start();
    const answers: JSONRPCMessage[] = [];
    b.onmessage = (m) => answers.push(m);
    await b.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { arguments: {} } });
    await b.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } });
    while (answers.length < 2) await new Promise((r) => setImmediate(r));
    const byId = new Map(answers.map((m) => [(m as { id: number }).id, m as Record<string, unknown>]));
    // The SDK's protocol layer answers a request its schema refuses with -32603, as before.
    assert.equal((byId.get(1)!['error'] as { code: number }).code, -32603, 'a tools/call without a name is refused before the handler');
    assert.equal(calls, 1);
    assert.deepEqual(byId.get(2)!['result'], { content: [{ type: 'text', text: 'ok' }], extra: { kept: true } });
    await server.close();
  });

  it('the SDK client reads a forwarded result as a CallToolResult', async () => {
    const server = new Server({ name: 's', version: '1' }, { capabilities: { tools: {} } });
    setForwardingCallHandler(server, async (request) => ({ content: [{ type: 'text', text: String(request.params.arguments?.['text']) }] }));
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'c', version: '1' }, { capabilities: {} });
    await Promise.all([server.connect(a), client.connect(b)]);
    assert.deepEqual(await client.callTool({ name: 'echo', arguments: { text: 'hi' } }), { content: [{ type: 'text', text: 'hi' }] });
    await client.close();
  });
});
