// D210, D220: one rule, stated once (needsSdkResultGuard): a child's result with `_meta` goes to
// the SDK's own guard. ChildMcpTransport checks such a result with that guard (and drops one it
// refuses); isValidatedResult settles every other result without it. The two must split the
// results between them exactly, and no result the SDK's guard refuses may be on the direct side.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isJsonRpcEnvelope } from '../../../src/platform/gateway/forward.js';
import { isValidatedResult, needsSdkResultGuard } from '../../../src/platform/gateway/validated-dispatch.js';

const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.boolean());
const meta = fc.oneof(scalar, fc.record({ progressToken: scalar, other: scalar }, { requiredKeys: [] }));
const result = fc.oneof(fc.dictionary(fc.constantFrom('a', 'content', 'task'), scalar, { maxKeys: 2 }), fc.record({ content: fc.constant([]), _meta: meta }));
const id = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }));
const envelope = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0'), id, result }),
  fc.record({ jsonrpc: fc.constant('2.0'), id, method: fc.constant('tools/call'), params: fc.record({ _meta: meta }, { requiredKeys: [] }) }),
  fc.record({ jsonrpc: fc.constant('2.0'), method: fc.constant('notifications/progress'), params: fc.record({ _meta: meta }, { requiredKeys: [] }) }),
  fc.record({ jsonrpc: fc.constant('2.0'), id, error: fc.record({ code: fc.integer(), message: fc.string({ maxLength: 3 }) }) }),
);
/** As the channel reads a frame: JSON text through JSON.parse. */
const fromWire = (m: unknown): JSONRPCMessage => JSON.parse(JSON.stringify(m)) as JSONRPCMessage;

describe('needsSdkResultGuard: a result with _meta goes to the SDK\'s own guard (D210, D220)', () => {
  it('splits the results a child sends exactly: each is settled directly or judged by the SDK\'s guard, never both; nothing else is either', () => {
    let withMeta = 0;
    let direct = 0;
    fc.assert(fc.property(envelope, (raw) => {
      const m = fromWire(raw);
      if (!isJsonRpcEnvelope(m)) return;
      const guarded = needsSdkResultGuard(m);
      const validated = isValidatedResult(m);
      if (!('result' in m)) {
        assert.deepEqual([guarded, validated], [false, false], `not a result: neither (${JSON.stringify(m)})`);
        return;
      }
      assert.notEqual(guarded, validated, `a result is on exactly one side (${JSON.stringify(m)})`);
      if (guarded) withMeta++;
      else {
        direct++;
        assert.ok(isJSONRPCResultResponse(m), `a result settled directly is one the SDK's guard accepts (${JSON.stringify(m)})`);
      }
    }), { numRuns: 5_000 });
    assert.ok(withMeta > 100 && direct > 100, `both sides were seen (${withMeta} with _meta, ${direct} without)`);
  });

  it('reads the _meta of the result only, not of a request\'s or a notification\'s params', () => {
    const request = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { _meta: { progressToken: true } } } as unknown as JSONRPCMessage;
    assert.equal(needsSdkResultGuard(request), false, 'a request is not a result');
    const malformed = { jsonrpc: '2.0', id: 1, result: { content: [], _meta: { progressToken: 1.5 } } } as unknown as JSONRPCMessage;
    assert.equal(needsSdkResultGuard(malformed), true, 'a result with _meta goes to the guard');
    assert.equal(isJSONRPCResultResponse(malformed), false, 'which refuses this one');
  });
});
