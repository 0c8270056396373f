// Issue 17 item 3: the client edge's fast path in front of JSONRPCMessageSchema. It may say
// yes only where the schema says yes AND returns the value unchanged; a differential property
// test over messages near the envelope, read from JSON text as the transport reads them.
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JSONRPCMessageSchema, RELATED_TASK_META_KEY } from '@modelcontextprotocol/sdk/types.js';
import { isPlainJsonRpcMessage } from '../../../src/platform/gateway/plain-json-rpc.js';
import { JsonLineTransport } from '../../../src/platform/gateway/json-line-transport.js';

const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(2 ** 53), fc.constant(-0), fc.constant(null), fc.boolean());
const key = fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('__proto__', 'constructor', '_meta', 'progressToken', 'code', 'message', 'data', RELATED_TASK_META_KEY, 'taskId'));
const obj = (value: fc.Arbitrary<unknown>) => fc.dictionary(key, value, { maxKeys: 3 });
/** `_meta` near RequestMetaSchema: a progress token of every type, the related-task key right and wrong, other keys. */
const meta = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 2 }),
  fc.record({ progressToken: scalar, [RELATED_TASK_META_KEY]: fc.oneof(scalar, fc.record({ taskId: scalar }), obj(scalar)), other: scalar }, { requiredKeys: [] }),
  obj(scalar),
);
/** params / result near the schemas: an object (maybe with `_meta`, maybe with odd keys), or anything else. */
const holder = fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }), obj(scalar), fc.tuple(obj(scalar), meta).map(([o, m]) => ({ ...o, _meta: m })));
const error = fc.oneof(scalar, obj(scalar), fc.record({ code: scalar, message: scalar, data: fc.oneof(scalar, obj(scalar)), extra: scalar }, { requiredKeys: [] }));
const nearMessage = fc.record({
  jsonrpc: fc.constantFrom('2.0', '1.0', 2),
  id: fc.oneof(scalar, fc.string({ maxLength: 4 }), fc.integer()),
  method: fc.oneof(fc.constant('tools/call'), fc.string({ maxLength: 6 }), fc.integer()),
  params: holder,
  result: holder,
  error,
  extra: scalar,
}, { requiredKeys: [] });
/** As the transport sees them: text from the wire through JSON.parse (so `__proto__` is an own key). */
const wire = (m: Record<string, unknown>): string => {
  const parts = Object.entries(m).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{${parts.join(',')}}`;
};
/** Mostly valid messages, so the fast path's yes is tested as often as its no. */
const likely = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), method: fc.string({ maxLength: 6 }), params: fc.oneof(obj(scalar), fc.tuple(obj(scalar), meta).map(([o, m]) => ({ ...o, _meta: m }))) }, { requiredKeys: ['jsonrpc', 'method'] }),
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), result: fc.oneof(obj(scalar), fc.tuple(obj(scalar), meta).map(([o, m]) => ({ ...o, _meta: m }))) }),
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), error: fc.record({ code: fc.oneof(fc.integer(), scalar), message: fc.oneof(fc.string(), scalar), data: scalar, extra: scalar }, { requiredKeys: ['code', 'message'] }) }, { requiredKeys: ['jsonrpc', 'error'] }),
);

/**
 * Raw JSON text as an attacker writes it (R-review17): number spellings JSON.parse reads oddly
 * (-0, 1e400, integers past 2^53), keys repeated (the last one wins), keys named after
 * Object.prototype's members, `__proto__` nested anywhere, and entries after the envelope's.
 */
const rawNumber = fc.constantFrom('-0', '0', '1.0', '1e0', '1e400', '-1e400', '9007199254740993', '9007199254740991', '-9007199254740992', '1.5', '2e-400', '123456789012345678901234567890');
const rawString = fc.constantFrom('""', '"2.0"', '"x"', '"\\u0000"', '"\\ud800"', '"__proto__"', '"tools/call"');
const rawLiteral = fc.constantFrom('null', 'true', 'false', '[]', '{}', '[1]', '{"__proto__":{"a":1}}', '{"__proto__":null}', '{"constructor":{"prototype":{}}}');
const rawScalar = fc.oneof(rawNumber, rawString, rawLiteral);
const rawKey = fc.constantFrom('jsonrpc', 'id', 'method', 'params', 'result', 'error', '_meta', 'progressToken', RELATED_TASK_META_KEY, 'taskId', 'code', 'message', 'data', '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '', 'x');
const rawObject = (value: fc.Arbitrary<string>) => fc.array(fc.tuple(rawKey, value), { maxLength: 5 }).map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
const rawValue: fc.Memo<string> = fc.memo((d) => (d <= 1 ? rawScalar : fc.oneof(rawScalar, rawObject(rawValue(d - 1)), fc.array(rawValue(d - 1), { maxLength: 2 }).map((xs) => `[${xs.join(',')}]`))));
const rawMessage = fc
  .record({
    jsonrpc: fc.constantFrom('"2.0"', '"2.0"', '"1.0"', '2', 'null'),
    id: fc.option(fc.oneof(rawNumber, rawString, fc.constant('null')), { nil: undefined }),
    kind: fc.constantFrom('method', 'result', 'error'),
    body: fc.oneof(rawValue(3), fc.tuple(fc.constantFrom('progressToken', RELATED_TASK_META_KEY, '__proto__', 'x'), rawValue(2), rawValue(1)).map(([k, v, w]) => `{"_meta":{${JSON.stringify(k)}:${v}},"x":${w}}`)),
    after: fc.array(fc.tuple(rawKey, rawValue(2)), { maxLength: 2 }),
  })
  .map(({ jsonrpc, id, kind, body, after }) => {
    const parts = [`"jsonrpc":${jsonrpc}`, ...(id === undefined ? [] : [`"id":${id}`])];
    parts.push(...(kind === 'method' ? ['"method":"tools/call"', `"params":${body}`] : [`"${kind}":${body}`]));
    parts.push(...after.map(([k, v]) => `${JSON.stringify(k)}:${v}`));
    return `{${parts.join(',')}}`;
  });

describe('the client edge fast path (issue 17)', () => {
  /** Checks each line of JSON text against the schema; returns how many took the fast path. */
  const fastPathAgrees = (texts: fc.Arbitrary<string>): number => {
    let fast = 0;
    fc.assert(fc.property(texts, (text) => {
      const value: unknown = JSON.parse(text);
      if (!isPlainJsonRpcMessage(value)) return;
      fast++;
      const parsed = JSONRPCMessageSchema.safeParse(JSON.parse(text));
      assert.ok(parsed.success, `the fast path accepted what the schema refuses: ${text}`);
      assert.deepStrictEqual(parsed.data, value, `the schema changes what the fast path passes as is: ${text}`);
    }), { numRuns: 20_000 });
    return fast;
  };

  it('says yes only where JSONRPCMessageSchema accepts the message and returns it unchanged', () => {
    const fast = fastPathAgrees(fc.oneof(nearMessage, likely).map((m) => wire(m as Record<string, unknown>)));
    assert.ok(fast > 2000, `the fast path should take the common messages (took ${fast} of 20000)`);
  });

  it('says yes only where the schema agrees, on raw JSON text: repeated keys, odd numbers, prototype names (R-review17)', () => {
    const fast = fastPathAgrees(rawMessage);
    assert.ok(fast > 100, `some raw messages take the fast path (took ${fast} of 20000)`);
  });

  it('the messages a client sends every call take the fast path', () => {
    for (const m of [
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } },
      { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'slow', arguments: {}, _meta: { progressToken: 3 } } },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'x' } },
      { jsonrpc: '2.0', id: 2, result: {} },
      // Each branch's plain case (mutation testing: a fast path that says no to these still
      // works, through zod, but is no fast path).
      { jsonrpc: '2.0', id: 3, method: 'ping' },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'echo', _meta: { progressToken: 'p-1' } } },
      { jsonrpc: '2.0', id: 5, method: 'tools/list', params: { _meta: {} } },
      { jsonrpc: '2.0', id: 6, result: { content: [], _meta: { progressToken: 7 } } },
      { jsonrpc: '2.0', id: 7, error: { code: -32600, message: 'bad' } },
      { jsonrpc: '2.0', id: 8, error: { code: -32603, message: 'x', data: { detail: 1 } } },
    ]) assert.equal(isPlainJsonRpcMessage(m), true, JSON.stringify(m));
  });

  it('what the fast path leaves to the schema is still refused or rebuilt by it', () => {
    const cases: Array<[unknown, boolean]> = [
      [{ jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: true } } }, false],
      [{ jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 1.5 } } }, false],
      [{ jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { [RELATED_TASK_META_KEY]: { taskId: 't', more: 1 } } } }, true],
      [{ jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm', more: 1 } }, true],
      [JSON.parse('{"jsonrpc":"2.0","id":1,"method":"x","params":{"__proto__":{"polluted":1}}}'), true],
    ];
    for (const [m, schemaAccepts] of cases) {
      assert.equal(isPlainJsonRpcMessage(m), false, JSON.stringify(m));
      assert.equal(JSONRPCMessageSchema.safeParse(m).success, schemaAccepts, JSON.stringify(m));
    }
  });

  it('the socket transport still drops a line the schema refuses, and delivers the schema’s copy of one the fast path leaves to it', async () => {
    const socket = new Socket();
    const dropped: string[] = [];
    const got: unknown[] = [];
    const transport = new JsonLineTransport(socket, { onInvalidLine: (r) => dropped.push(r) });
    transport.onmessage = (m) => got.push(m);
    await transport.start();
    await new Promise((r) => process.nextTick(r));
    socket.emit('data', Buffer.from([
      '{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":{"progressToken":true}}}',
      `{"jsonrpc":"2.0","id":2,"method":"x","params":{"_meta":{"${RELATED_TASK_META_KEY}":{"taskId":"t","more":1}}}}`,
      '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo"}}',
      '',
    ].join('\n')));
    assert.deepEqual(dropped, ['invalid-message']);
    assert.deepEqual(got, [
      { jsonrpc: '2.0', id: 2, method: 'x', params: { _meta: { [RELATED_TASK_META_KEY]: { taskId: 't' } } } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo' } },
    ]);
    socket.destroy();
  });
});
