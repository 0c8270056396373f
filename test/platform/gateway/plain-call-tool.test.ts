// Issue 17 item 3, round 10: the fast path in front of CallToolRequestSchema for a client's
// `tools/call`. It may answer only where the schema accepts the request, and must answer what
// the schema returns: a differential property test over requests near the schema, read from
// JSON text as the socket transport reads them, and the gateway's handler through it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, CallToolResultSchema, RELATED_TASK_META_KEY, type CallToolRequest } from '@modelcontextprotocol/sdk/types.js';
import { setForwardingCallHandler } from '../../../src/platform/gateway/forward.js';
import { plainCallToolRequest } from '../../../src/platform/gateway/plain-call-tool.js';

const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(2 ** 53), fc.constant(-0), fc.constant(null), fc.boolean());
// `__proto_x` becomes `__proto__` in the JSON text (an object literal cannot hold it as a key).
const key = fc.constantFrom('a', 'b', 'endpoint', '__proto_x', 'constructor', 'toString', '_meta', 'progressToken', RELATED_TASK_META_KEY, 'taskId', 'ttl', 'name');
const obj = fc.dictionary(key, fc.oneof(scalar, fc.dictionary(key, scalar, { maxKeys: 2 })), { maxKeys: 3 });
const meta = fc.oneof(scalar, fc.array(scalar, { maxLength: 1 }), obj, fc.record({ progressToken: scalar, [RELATED_TASK_META_KEY]: fc.oneof(scalar, fc.record({ taskId: scalar }), obj), other: scalar, __proto_x: obj }, { requiredKeys: [] }));
const params = fc.record({
  name: fc.oneof(fc.string({ maxLength: 4 }), scalar),
  arguments: fc.oneof(obj, obj, scalar, fc.array(scalar, { maxLength: 2 })),
  _meta: meta,
  task: fc.oneof(scalar, fc.record({ ttl: scalar, extra: scalar }, { requiredKeys: [] })),
  extra: scalar,
  __proto_x: obj,
}, { requiredKeys: [] });
const request = fc.record({
  jsonrpc: fc.constantFrom('2.0', '1.0'),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 2 })),
  method: fc.constantFrom('tools/call', 'tools/call', 'tools/list', 'x'),
  params: fc.oneof(params, params, params, scalar, fc.array(scalar, { maxLength: 1 })),
  extra: scalar,
}, { requiredKeys: ['method'] });
/** Mostly the common request, so the fast path's answer is tested as often as its "not sure". */
const likely = fc.oneof(
  request,
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), method: fc.constant('tools/call'), params: fc.record({ name: fc.oneof(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), scalar), arguments: obj, _meta: fc.record({ progressToken: fc.oneof(fc.integer(), fc.string({ maxLength: 2 }), scalar) }, { requiredKeys: [] }) }, { requiredKeys: ['name'] }) }),
);
/** As the transport sees it: JSON text through JSON.parse (so `__proto__` is an own key at every level). */
const fromWire = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/"__proto_x"/g, '"__proto__"'));

describe('plainCallToolRequest (issue 17, round 10)', () => {
  it('answers only for requests CallToolRequestSchema accepts, with what the schema returns', () => {
    let answered = 0;
    let refused = 0;
    fc.assert(fc.property(likely, (raw) => {
      const m = fromWire(raw);
      const fast = plainCallToolRequest(m);
      const parsed = CallToolRequestSchema.safeParse(m);
      if (!parsed.success) refused++;
      if (fast === undefined) return;
      answered++;
      assert.ok(parsed.success, `the schema accepts what the fast path took: ${JSON.stringify(m)}`);
      assert.deepStrictEqual(fast, parsed.data, `the same value as the schema's for ${JSON.stringify(m)}`);
      assert.equal(Object.getPrototypeOf(fast.params.arguments ?? {}), Object.prototype, 'arguments keep a plain prototype');
    }), { numRuns: 20_000 });
    assert.ok(answered > 2000, `the fast path answered often (${answered})`);
    assert.ok(refused > 1000, `and the schema refused many (${refused})`);
  });

  it('answers for the common requests itself: with and without arguments or _meta (else each pays for the schema again)', () => {
    const common = [
      { name: 'x' },
      { name: 'x', arguments: { a: 1 } },
      { name: 'x', _meta: { progressToken: 3 } },
      { name: 'x', arguments: {}, _meta: { progressToken: 'p' } },
    ];
    for (const params of common) {
      const request = { jsonrpc: '2.0', id: 1, method: 'tools/call', params };
      assert.deepStrictEqual(plainCallToolRequest(request), { method: 'tools/call', params }, `the fast path left ${JSON.stringify(params)} to the schema`);
    }
  });

  it('leaves to the schema each edge a client could try', () => {
    const base = { jsonrpc: '2.0', id: 1, method: 'tools/call' };
    const edges = [
      '{"method":"tools/call","params":{"name":"x","arguments":{"__proto__":{"a":1}}}}',
      '{"method":"tools/call","params":{"name":"x","__proto__":{"a":1}}}',
      '{"method":"tools/call","params":{"name":"x","_meta":{"__proto__":{"a":1}}}}',
      JSON.stringify({ ...base, params: { name: 'x', _meta: { progressToken: 1.5 } } }),
      JSON.stringify({ ...base, params: { name: 'x', _meta: { progressToken: 2 ** 53 } } }),
      JSON.stringify({ ...base, params: { name: 'x', _meta: { [RELATED_TASK_META_KEY]: { taskId: 't' } } } }),
      JSON.stringify({ ...base, params: { name: 'x', task: { ttl: 1 } } }),
      JSON.stringify({ ...base, params: { name: 'x', arguments: [] } }),
      JSON.stringify({ ...base, params: { name: 'x', arguments: null } }),
      JSON.stringify({ ...base, params: { name: 1 } }),
      JSON.stringify({ ...base, params: { name: 'x', other: 1 } }),
      JSON.stringify({ ...base, method: 'tools/list', params: { name: 'x' } }),
    ];
    for (const text of edges) assert.equal(plainCallToolRequest(JSON.parse(text)), undefined, text);
  });

  // Z6-redteam (held): numbers JSON.parse turns into Infinity or rounds, and prototype-named
  // keys, from the wire as a hostile client writes them; the fast path takes none the schema refuses.
  it('takes nothing the schema refuses from huge numbers or prototype-named keys written on the wire', () => {
    const texts = [
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":{"progressToken":1e400}}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":{"progressToken":-1e400}}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":{"progressToken":9007199254740993}}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":{"progressToken":1e2}}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"constructor":{"prototype":{"polluted":1}},"toString":1,"hasOwnProperty":2}}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"__proto__","arguments":{"endpoint":"vc1"}}}',
      '{"jsonrpc":"2.0","id":1e400,"method":"tools/call","params":{"name":"x"}}',
    ];
    for (const text of texts) {
      const m: unknown = JSON.parse(text);
      const fast = plainCallToolRequest(m);
      if (fast === undefined) continue;
      const parsed = CallToolRequestSchema.safeParse(m);
      assert.ok(parsed.success, `the schema accepts what the fast path took: ${text}`);
      assert.deepStrictEqual(fast, parsed.data, `the same value as the schema's for ${text}`);
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype was written');
  });

  it('the gateway\'s handler gets the fast path\'s request, and a request it leaves is parsed and refused by the SDK as before', async () => {
    const server = new Server({ name: 's', version: '1' }, { capabilities: { tools: {} } });
    const seen: CallToolRequest[] = [];
    setForwardingCallHandler(server, async (r) => {
      seen.push(r);
      return { content: [{ type: 'text', text: r.params.name }] };
    });
    const client = new Client({ name: 'c', version: '1' }, { capabilities: {} });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    await client.connect(b);
    const ok = await client.request({ method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } }, CallToolResultSchema);
    assert.deepEqual(ok.content, [{ type: 'text', text: 'echo' }], 'answered');
    assert.deepStrictEqual(seen[0], { method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } }, 'the request as the schema returns it');
    const other = await client.request({ method: 'tools/call', params: { name: 'other', other: 1 } } as never, CallToolResultSchema);
    assert.deepEqual(other.content, [{ type: 'text', text: 'other' }], 'a request the fast path leaves is still served');
    assert.deepStrictEqual(seen[1]?.params, { name: 'other' }, 'by the schema\'s parse (stripped to its known keys)');
    await assert.rejects(client.request({ method: 'tools/call', params: { name: 7 } } as never, CallToolResultSchema), /Invalid/i, 'a bad request fails as the SDK fails it');
    assert.equal(seen.length, 2, 'the bad request never reached the handler');
    await client.close();
    await server.close();
  });
});
