// Issue 17 item 3: the host's encoder for the gateway socket. Every line it writes must parse to
// what JSON.stringify of the message would have written, whether it wrote the message itself
// (responses id-first) or spliced a child's bytes of the result into its own envelope.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Emitter } from '../../../src/base/events/emitter.js';
import { ChildMcpTransport } from '../../../src/platform/gateway/child-mcp-transport.js';
import { forwardedResultBytes, isOneJsonObject, rememberResultLine, resultSpan } from '../../../src/platform/gateway/forwarded-result-bytes.js';
import { encodeJsonRpcLine, type JsonRpcLine } from '../../../src/platform/gateway/json-rpc-line.js';
import { RESPONSE_HEAD } from '../../../src/platform/gateway/response-line-form.js';
import type { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { lineScan, readChildFrames, takeFrameLine } from '../../../src/platform/supervisor/child-channel.js';
import { MAX_CHANNEL_JSON_VALUES } from '../../../src/base/contracts/child-channel.js';

const utf8 = new TextDecoder();
const bytes = (s: string) => new TextEncoder().encode(s);
/** The whole line an encoding stands for, as text. */
const text = (line: JsonRpcLine): string => (typeof line === 'string' ? line : `${line[0]}${utf8.decode(line[1])}${line[2]}`);
/** One line, one newline at its end, no CR: what every client can split. */
function assertOneLine(t: string): void {
  assert.equal(t.indexOf('\n'), t.length - 1, t.slice(0, 200));
  assert.ok(!t.includes('\r'), t.slice(0, 200));
}

/** The child's side of the real channel reader and the gateway's transport on it; delivers messages. */
function childChannel() {
  const exit = new Emitter<void>();
  const handle = { spec: { name: 'fuzz' }, onDidExit: exit.event, send: () => undefined } as unknown as ChildProcessHandle;
  let next: ((m: JSONRPCMessage | string) => void) | undefined;
  const transport = new ChildMcpTransport(handle, (reason) => next?.(reason));
  transport.onmessage = (m) => next?.(m);
  const input = new PassThrough();
  readChildFrames(input, { onFrame: (f) => transport.receive(f), onViolation: (v) => next?.(v) });
  /**
   * Write `line` (and a newline) as the child, and return the message the transport delivered,
   * in the same turn of the event loop (as the gateway answers a call: the line is held that long).
   */
  const roundTrip = async (line: string): Promise<JSONRPCMessage> => {
    const got = new Promise<JSONRPCMessage | string>((r) => (next = r));
    input.write(`${line}\n`);
    const m = await got;
    if (typeof m === 'string') assert.fail(`refused (${m}): ${line.slice(0, 300)}`);
    return m;
  };
  return { roundTrip };
}

/** A deterministic stream of choices from one seed (mulberry32), for the writer below. */
function choices(seed: number) {
  let a = seed >>> 0;
  return (n: number): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/**
 * JSON text of `value` as a child could write it: any spacing between tokens (now and then a
 * CR), any escapes in strings (`\uXXXX`, `\/`), numbers with exponents, fractions or minus zero
 * now and then. Never a raw newline (the channel splits lines there).
 */
function writeJson(value: unknown, pick: (n: number) => number): string {
  const ws = () => ['', '', '', ' ', '\t', '  ', '\r'][pick(pick(400) === 0 ? 7 : 6)]!;
  const str = (s: string) => {
    let out = '"';
    for (const ch of s) {
      const code = ch.codePointAt(0)!;
      if (ch === '"' || ch === '\\') out += pick(4) === 0 ? `\\u${code.toString(16).padStart(4, '0')}` : `\\${ch}`;
      else if (code < 0x20) out += pick(2) === 0 ? `\\u${code.toString(16).padStart(4, '0')}` : (JSON.stringify(ch).slice(1, -1));
      else if (ch === '/' && pick(2) === 0) out += '\\/';
      else if (code < 0x10000 && pick(6) === 0) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += ch;
    }
    return `${out}"`;
  };
  const num = (n: number) => {
    const r = pick(60);
    if (r === 0) return n.toExponential();
    if (r === 1 && Number.isSafeInteger(n)) return `${n}.0`;
    if (r === 2 && n === 0) return '-0';
    return JSON.stringify(n);
  };
  const w = (v: unknown): string => {
    if (v === null || typeof v === 'boolean') return String(v);
    if (typeof v === 'number') return num(v);
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => w(x)).join(`${ws()},${ws()}`)}${ws()}]`;
    const o = v as Record<string, unknown>;
    return `{${ws()}${Object.keys(o).map((k) => `${str(k)}${ws()}:${ws()}${w(o[k])}`).join(`${ws()},${ws()}`)}${ws()}}`;
  };
  return w(value);
}

/** Strings that look like the structure around them. */
const tricky = fc.constantFrom('}', '}}', '"', '\\', '\\"', '},"id":99,"result":{', '{"jsonrpc":"2.0"', ']', '\u2028', 'é', '😀', '\n', '\r\n', '-0', '1e400');
const leaf = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), tricky, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const values = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), tricky, fc.constantFrom('id', 'result', 'error', 'jsonrpc', '__proto__')), tie('v'), { maxKeys: 4 })),
})).v;
const results = fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('content', 'isError', 'structuredContent', 'id', 'result')), values, { maxKeys: 5 });

describe('encodeJsonRpcLine (issue 17 item 3)', () => {
  it('writes a response id-first in the fixed form, with the message id', () => {
    assert.equal(encodeJsonRpcLine({ result: { content: [] }, jsonrpc: '2.0', id: 7 } as JSONRPCMessage), '{"jsonrpc":"2.0","id":7,"result":{"content":[]}}\n');
    assert.equal(encodeJsonRpcLine({ jsonrpc: '2.0', id: 'a"b', error: { code: -1, message: 'x' } }), '{"jsonrpc":"2.0","id":"a\\"b","error":{"code":-1,"message":"x"}}\n');
    // A notification or a request: JSON.stringify, method first.
    assert.equal(encodeJsonRpcLine({ params: {}, jsonrpc: '2.0', method: 'ping', id: 1 } as JSONRPCMessage), '{"method":"ping","params":{},"jsonrpc":"2.0","id":1}\n');
    assert.equal(encodeJsonRpcLine({ method: 'notifications/initialized', jsonrpc: '2.0' }), '{"method":"notifications/initialized","jsonrpc":"2.0"}\n');
  });

  it('every line parses to what JSON.stringify of the message would have written, and is one line', () => {
    const ids = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.double(), fc.constant(null), fc.constant(-0), fc.constant(Infinity));
    const bodies = fc.oneof(results, values, fc.constant(undefined));
    const messages = fc.record({
      jsonrpc: fc.constantFrom('2.0', '1.0', undefined),
      id: fc.oneof(fc.constant(undefined), ids),
      method: fc.oneof(fc.constant(undefined), fc.constant('tools/call'), fc.integer()),
      result: bodies, error: bodies, params: bodies, extra: fc.oneof(fc.constant(undefined), values),
    }, { requiredKeys: [] }).chain((m) => fc.shuffledSubarray(Object.keys(m), { minLength: Object.keys(m).length }).map((order) => Object.fromEntries(order.map((k) => [k, (m as Record<string, unknown>)[k]]))));
    fc.assert(fc.property(messages, (m) => {
      const t = text(encodeJsonRpcLine(m as JSONRPCMessage));
      assertOneLine(t);
      assert.deepStrictEqual(JSON.parse(t), JSON.parse(JSON.stringify(m)));
    }), { numRuns: 3000 });
  });

  it("a child's result goes out as the child's bytes only when they are exactly that value: fuzzed through the real channel", async () => {
    const channel = childChannel();
    let spliced = 0;
    let runs = 0;
    await fc.assert(fc.asyncProperty(results, fc.integer(), fc.nat(), fc.boolean(), fc.oneof(fc.nat(), fc.string({ maxLength: 3 })), async (result, seed, childId, idFirst, clientId) => {
      runs++;
      const body = writeJson(result, choices(seed));
      const line = idFirst ? `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":${childId},"result":${body}}}` : `{"ch":"mcp","msg":{"result":${body},"jsonrpc":"2.0","id":${childId}}}`;
      const msg = await channel.roundTrip(line);
      const answer = { jsonrpc: '2.0' as const, id: clientId, result: (msg as { result: Record<string, unknown> }).result };
      const out = encodeJsonRpcLine(answer);
      if (typeof out !== 'string') {
        spliced++;
        assert.equal(out[0], `${RESPONSE_HEAD}${JSON.stringify(clientId)},"result":`);
        assert.equal(utf8.decode(out[1]), body, 'the bytes are the child\'s own');
      }
      const t = text(out);
      assertOneLine(t);
      assert.deepStrictEqual(JSON.parse(t), JSON.parse(JSON.stringify(answer)));
    }), { numRuns: 1500 });
    // Not a vacuous pass: about half the results take the spliced path (the others hold a
    // double written with an exponent, minus zero or a CR, which are re-encoded).
    assert.ok(spliced > runs / 3, `${spliced} of ${runs} spliced`);
  });

  it('a result object that was not parsed from a remembered line, or a copy of one, is encoded', async () => {
    const channel = childChannel();
    const msg = await channel.roundTrip('{"ch":"mcp","msg":{"jsonrpc":"2.0","id":3,"result":{"a": 1}}}');
    const result = (msg as { result: Record<string, unknown> }).result;
    assert.equal(utf8.decode(forwardedResultBytes(result)!), '{"a": 1}');
    assert.equal(forwardedResultBytes({ ...result }), undefined);
    assert.equal(forwardedResultBytes({ a: 1 }), undefined);
    for (const v of [null, undefined, 1, 'x']) assert.equal(forwardedResultBytes(v), undefined);
    // A line shorter than the transport's threshold is encoded; a result is spliced at most once.
    const small = await channel.roundTrip('{"ch":"mcp","msg":{"jsonrpc":"2.0","id":4,"result":{"b": 2}}}');
    const smallResult = (small as { result: object }).result;
    assert.equal(typeof encodeJsonRpcLine({ jsonrpc: '2.0', id: 1, result: smallResult } as JSONRPCMessage, 100), 'string');
    const bigLine = `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":5,"result":{"b": "${'x'.repeat(100)}"}}}`;
    const big = await channel.roundTrip(bigLine);
    const bigResult = (big as { result: object }).result;
    // From the threshold on, its own length included.
    assert.notEqual(typeof encodeJsonRpcLine({ jsonrpc: '2.0', id: 1, result: bigResult } as JSONRPCMessage, bytes(bigLine).length), 'string');
    assert.equal(typeof encodeJsonRpcLine({ jsonrpc: '2.0', id: 1, result: bigResult } as JSONRPCMessage, 100), 'string', 'once');
    // Held for the turn it arrived in: a result answered in a later turn is encoded.
    const late = await channel.roundTrip('{"ch":"mcp","msg":{"jsonrpc":"2.0","id":6,"result":{"c": 3}}}');
    await new Promise((r) => setImmediate(r));
    assert.equal(forwardedResultBytes((late as { result: object }).result), undefined);
    // The line is not visible on the result: not a key, not in JSON, not copied.
    assert.deepEqual(Object.keys(smallResult), ['b']);
    assert.equal(JSON.stringify(bigResult).includes('ch'), false);
    assert.equal(Object.getOwnPropertySymbols({ ...bigResult }).length, 0);
    // Remembered, but the line is not a response frame of a fixed form.
    const other = { a: 1 };
    rememberResultLine(other, bytes('{"ch":"mcp","msg":{"id":3,"jsonrpc":"2.0","result":{"a":1}}}'));
    assert.equal(forwardedResultBytes(other), undefined);
  });
});

describe("a long line: the channel's scan decides (issue 17 item 3)", () => {
  /** A long line read by the real channel reader, remembered with its parsed result. */
  async function longLine(result: string) {
    const input = new PassThrough();
    const got: Array<{ result: object; line: Uint8Array }> = [];
    readChildFrames(input, { onFrame: (f) => got.push({ result: (f as { msg: { result: object } }).msg.result, line: takeFrameLine(f)! }), onViolation: (v) => assert.fail(v) });
    input.write(`{"ch":"mcp","msg":{"jsonrpc":"2.0","id":1,"result":${result}}}\n`);
    while (got.length === 0) await new Promise((r) => setImmediate(r));
    const { result: parsed, line } = got[0]!;
    assert.ok(lineScan(line), 'scanned while read');
    rememberResultLine(parsed, line);
    return forwardedResultBytes(parsed);
  }
  const pad = `"${'x'.repeat(2 * MAX_CHANNEL_JSON_VALUES)}"`;

  it('forwards one plain object, and nothing else', async () => {
    assert.equal((await longLine(`{"a":${pad}}`))?.length, pad.length + 6);
    assert.equal(await longLine(`[${pad}]`), undefined, 'an array (the envelope refuses it before, too)');
    assert.equal(await longLine(`{"a":${pad},\r"b":1}`), undefined, 'a CR');
    assert.equal(await longLine(`{"a":${pad},"b":-0}`), undefined, 'minus zero');
  });
});

describe('resultSpan and isOneJsonObject (issue 17 item 3)', () => {
  const span = (s: string) => resultSpan(bytes(s));
  const one = (s: string) => isOneJsonObject(bytes(`xx${s}yy`), 2, 2 + bytes(s).length);

  it('finds the result of the two fixed frame forms, and nothing in any other line', () => {
    const a = '{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.0","id":12}}';
    assert.deepEqual(span(a), [28, 35]);
    const b = '{"ch":"mcp","msg":{"jsonrpc":"2.0","id":12,"result":{"a":1}}}';
    assert.deepEqual(span(b), [52, 59]);
    for (const bad of [
      '{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.0","id":"12"}}', // a string id
      '{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.0","id":}}', // no id
      '{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.0","id":-1}}', // not digits only
      '{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.0","id":1} }', // a space at the end
      '{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.0","id":1}}x',
      '{"ch":"mcp","msg":{"result":{"a":1},"id":1,"jsonrpc":"2.0"}}', // another order
      '{"ch":"mcp","msg":{"jsonrpc":"2.0","id":,"result":{"a":1}}}',
      '{"ch":"mcp","msg":{"jsonrpc":"2.0","id":1,"result" :{"a":1}}}',
      '{"ch":"mcp","msg":{"jsonrpc":"2.0","id":1,"result":{"a":1}} }',
      '{"ch":"mcp", "msg":{"jsonrpc":"2.0","id":1,"result":{"a":1}}}',
      '{"msg":{"jsonrpc":"2.0","id":1,"result":{"a":1}},"ch":"mcp"}',
      '{"ch":"mcp","msg":{"jsonrpc":"2.0","id":1"result":{"a":1}}}',
      '{"ch":"mcp","msg":{"jsonrpc":"2.1","id":1,"result":{"a":1}}}', '{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.1","id":1}}',
      '{"ch":"mcp","msg":{"result":{"a":1}"jsonrpc":"2.0","id":1}}',
      '{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.0","id":1}',
      '}}', '',
    ]) assert.equal(span(bad), undefined, bad);
    // The id may have many digits, and the result may end in digits before its brace.
    const long = '{"ch":"mcp","msg":{"result":{"a":12},"jsonrpc":"2.0","id":12345678901234567890}}';
    assert.deepEqual(span(long), [28, 36]);
    assert.deepEqual(span('{"ch":"mcp","msg":{"jsonrpc":"2.0","id":0,"result":{}}}'), [51, 53]);
  });

  it('says yes to exactly one object, ending at the last byte', () => {
    for (const ok of ['{}', '{"a":[1,{"b":"}"}]}', '{"a":"\\"}"}', '{"a":"\\\\"}', '{ "a" : [ ] }', '{"a":-0.5,"b":-1,"c":0.25,"d":true,"e":false,"f":null}', `{"a":${'9'.repeat(300)}}`, `{"a":1${'0'.repeat(299)}}`, '{"a":-5}', '{"a":[-7]}', '{"a":10,"b":0}']) assert.equal(one(ok), true, ok);
    for (const bad of [
      '{}{}', '{},{}', '{"a":1}}', '{"a":{}', '{"a":1} ', ' {"a":1}', '[1]', '"x"', '1', '{',
      '{"a":"}"},"id":99,"b":{}', '{"a":[}]}',
      '{"a":1,\r"b":2}', '{"a":1,\n"b":2}',
      '{"a":1e2}', '{"a":1E2}', '{"a":1e+2}', '{"a":1E-2}', '{"a":0e0}', '{"a":-0}', '{"a":-0.0}', '{"a":-0.00,"b":1}', '{"a":[-0]}', '{"a":-0}', `{"a":${'9'.repeat(301)}}`, `{"a":1${'0'.repeat(300)}}`, `{"a":${'0'.repeat(150)}${'5'.repeat(151)}}`,
    ]) assert.equal(one(bad), false, bad);
    // A string that never closes ends the scan, refused.
    assert.equal(isOneJsonObject(bytes('{"a":"x'), 0, 7), false);
    // Letters e/E that are not an exponent, and minus zero inside strings, are fine.
    for (const ok of ['{"e":true,"E":false,"x":"1e5 -0"}', '{"a":-0.01}', '{"a":-01}']) assert.equal(one(ok), true, ok);
  });
});
