// Issue 17 item 3: the bridge reads what a host line answers from its head, without parsing the
// line. Differential: for every line the host's encoder writes, the head says what the full
// parse says, or leaves it to the parse (test/cli/bridge-head.test.ts runs the built bridge).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { readHostLineHead } from '../../../src/cli/bridge/host-line-head.js';
import { responseIdOf } from '../../../src/cli/bridge/pending-requests.js';
import { encodeJsonRpcLine } from '../../../src/platform/gateway/json-rpc-line.js';

const bytes = (s: string) => new TextEncoder().encode(s);
/** How the bridge keys a request: the id's type and value. */
const keyOf = (id: unknown) => (id === undefined ? 'none' : `${typeof id}:${String(id)}`);
/** What the full parse says a line answers. */
const parsed = (line: string) => keyOf(responseIdOf(JSON.parse(line)));

/** Head of `line` (no newline), checked against the full parse; returns whether the head decided. */
function agrees(line: string): boolean {
  const head = readHostLineHead(bytes(line));
  if (head === undefined) return false;
  assert.equal(keyOf(head.answers), parsed(line), line.slice(0, 200));
  return true;
}

const ids = fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('a"b', 'é', '\\', '\u2028', '😀', '', '1'), fc.integer(), fc.double(), fc.constantFrom(-0, 1e21, 1.5, -7, Infinity, NaN), fc.constant(null), fc.boolean(), fc.constant({}));
const values = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constantFrom({}, { content: [] }, [], 'x', null));
/** Messages near the JSON-RPC envelope, their keys in any order. */
const messages = fc.record({
  jsonrpc: fc.constantFrom('2.0', '1.0', undefined),
  id: fc.oneof(fc.constant(undefined), ids),
  method: fc.oneof(fc.constant(undefined), fc.constantFrom('ping', 'notifications/progress'), fc.integer()),
  result: values, error: values, params: values,
}, { requiredKeys: [] }).chain((m) => fc.shuffledSubarray(Object.keys(m), { minLength: Object.keys(m).length }).map((order) => Object.fromEntries(order.map((k) => [k, (m as Record<string, unknown>)[k]]))));

describe("the bridge reads a host line's head (issue 17 item 3)", () => {
  it('reads the id of a response in the fixed form, and nothing from a line whose first key is method', () => {
    const read = (s: string) => readHostLineHead(bytes(s));
    assert.deepEqual(read('{"jsonrpc":"2.0","id":7,"result":{"content":[]}}'), { answers: 7 });
    assert.deepEqual(read('{"jsonrpc":"2.0","id":"a\\"b\\\\","error":{"code":1,"message":"x"}}'), { answers: 'a"b\\' });
    assert.deepEqual(read('{"jsonrpc":"2.0","id":"\\u00e9","result":{}}'), { answers: 'é' });
    assert.deepEqual(read('{"jsonrpc":"2.0","id":-1.5e2,"result":{}}'), { answers: -150 });
    // JSON.stringify writes 1e21 as `1e+21`; another writer may write `E`.
    assert.deepEqual(read('{"jsonrpc":"2.0","id":1e+21,"error":{"code":1,"message":"x"}}'), { answers: 1e21 });
    assert.deepEqual(read('{"jsonrpc":"2.0","id":2E2,"result":{}}'), { answers: 200 });
    assert.deepEqual(read('{"jsonrpc":"2.0","id":"","result":{}}'), { answers: '' });
    // Spaces around a number are JSON too; the token's parse reads it as the full parse does.
    assert.deepEqual(read('{"jsonrpc":"2.0","id": 1 ,"result":{}}'), { answers: 1 });
    assert.deepEqual(read('{"method":"notifications/progress","params":{},"jsonrpc":"2.0"}'), { answers: undefined });
    assert.deepEqual(read('{"jsonrpc":"2.0","method":"ping","id":3}'), { answers: undefined });
    // Anything else is the full parse's to decide.
    for (const other of [
      '{"jsonrpc":"2.0","id":null,"result":{}}', '{"jsonrpc":"2.0","id":1e400,"result":{}}', '{"jsonrpc":"2.0","id":true,"result":{}}',
      '{"jsonrpc":"2.0","id":1,"params":{}}', '{"jsonrpc":"2.0","id":1}', '{"jsonrpc":"2.0","id":"1', '{"jsonrpc":"2.0","id":"1","result"',
      '{"jsonrpc":"2.0","id":--,"result":{}}', '{"jsonrpc":"2.0","id":,"result":{}}', '{"jsonrpc":"2.0","id":"\\x","result":{}}',
      '{"result":{},"jsonrpc":"2.0","id":1}', '{ "jsonrpc":"2.0","id":1,"result":{}}', '{"jsonrpc":"2.0", "id":1,"result":{}}', '[]', '', '{"jsonrpc":"2.0","id":',
      '{"jsonrpc":"2.0","id":"a', '{"jsonrpc":"2.0","id":"a\\', '{"jsonrpc":"2.0","id":1', '{"jsonrpc":"2.0","id":1,"result"', 
      '{"jsonrpc":"2.0","id":1,"error" :{}}', '{"method"', '{"jsonrpc":"2.0","method"', '{"jsonrpc":"2.0","id":"1"x,"result":{}}',
    ]) assert.equal(read(other), undefined, other);
    const badUtf8 = new Uint8Array([...bytes('{"jsonrpc":"2.0","id":"'), 0xff, ...bytes('","result":{}}')]);
    assert.equal(readHostLineHead(badUtf8), undefined, 'an id that is not UTF-8 goes to the full parse (which drops it)');
  });

  it("agrees with the full parse on every line the host's encoder writes", () => {
    let decided = 0;
    fc.assert(fc.property(messages, (m) => {
      const line = encodeJsonRpcLine(m as JSONRPCMessage);
      const text = typeof line === 'string' ? line : `${line[0]}${new TextDecoder().decode(line[1])}${line[2]}`;
      if (agrees(text.slice(0, -1))) decided++;
    }), { numRuns: 5000 });
    assert.ok(decided > 1000, `the head decided ${decided} of 5000`);
  });

  it("decides every response and notification the SDK's Protocol sends, as the host writes them", () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), fc.jsonValue({ maxDepth: 2 }), (id, v) => {
      for (const m of [{ result: { v }, jsonrpc: '2.0', id }, { jsonrpc: '2.0', id, error: { code: -32603, message: 'x', data: v } }, { method: 'notifications/progress', params: { v }, jsonrpc: '2.0' }, { method: 'ping', jsonrpc: '2.0', id }]) {
        const line = encodeJsonRpcLine(m as JSONRPCMessage) as string;
        assert.ok(agrees(line.slice(0, -1)), line);
      }
    }), { numRuns: 500 });
  });

  it('agrees with the full parse on any JSON line whose first key is method', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.dictionary(fc.constantFrom('id', 'result', 'error', 'jsonrpc', 'x'), fc.jsonValue({ maxDepth: 1 })), fc.boolean(), (method, rest, second) => {
      // `rest` may hold its own `jsonrpc`: the key keeps its first place, with the last value.
      const line = JSON.stringify(second ? { jsonrpc: '2.0', method, ...rest } : { method, ...rest });
      if (second && !line.startsWith('{"jsonrpc":"2.0","method":')) return;
      assert.ok(agrees(line), line);
    }), { numRuns: 2000 });
  });
});
