// Issue 17 item 3: the channel scans each long line once while reading it (scanJsonLine), and
// the gateway decides from that scan whether a response's result bytes may be forwarded as
// they are. Differential: on every valid line of the two fixed response forms, the scan's
// answer is isOneJsonObject's on the result's bytes (the check short lines get).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isOneJsonObject, resultSpan } from '../../../src/platform/gateway/forwarded-result-bytes.js';
import { PassThrough } from 'node:stream';
import { MAX_CHANNEL_JSON_VALUES } from '../../../src/base/contracts/child-channel.js';
import { lineScan, readChildFrames, scanJsonLine, takeFrameLine, type JsonLineScan } from '../../../src/platform/supervisor/child-channel.js';
import { until } from '../../support/wait.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const scan = (s: string, limit = 1_000_000) => scanJsonLine(bytes(s), limit);

/** JSON text of `v` with optional spaces, a CR now and then, and numbers in other spellings. */
function write(v: unknown, pick: () => number): string {
  const ws = () => ['', '', ' ', '\r', '\t'][pick() % 5]!;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return [JSON.stringify(v), v.toExponential(), Object.is(v, 0) ? '-0' : JSON.stringify(v), `${JSON.stringify(v)}`][pick() % 4]!;
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => write(x, pick)).join(',')}]`;
  return `{${ws()}${Object.entries(v as object).map(([k, x]) => `${JSON.stringify(k)}:${ws()}${write(x, pick)}`).join(',')}${ws()}}`;
}

const tricky = fc.constantFrom('}', ']', '"', '\\', '{"a":', '},"id":99,"result":{', '-0', '1e5');
const values = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, fc.oneof(fc.string({ maxLength: 4 }), tricky, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.oneof(fc.string({ maxLength: 3 }), tricky), tie('v'), { maxKeys: 3 })),
})).v;
const objects = fc.dictionary(fc.string({ maxLength: 3 }), values, { maxKeys: 4 });

describe('scanJsonLine (issue 17 item 3)', () => {
  it('finds where the first value nested two deep ends', () => {
    const frame = '{"ch":"mcp","msg":{"result":{"a":[1,{"b":"}"}]},"id":1}}';
    assert.equal(scan(frame).firstCloseToDepth2, frame.indexOf(',"id"') - 1);
    assert.equal(scan('{"a":{"b":[]}}').firstCloseToDepth2, 11);
    assert.equal(scan('{"a":{"b":1}}').firstCloseToDepth2, -1, 'nothing two deep');
    assert.equal(scan('[[[]],[[]]]').firstCloseToDepth2, 3);
    assert.equal(scan('{"a":{"b":"]}"}}').firstCloseToDepth2, -1, 'brackets in strings do not count');
  });

  it('says whether the line is plain: no CR or LF between tokens, no exponent, no minus zero, no long digit run', () => {
    for (const ok of ['{"a":[1,-1,0.5,-0.5,-01]}', '{"e":true,"f":false,"s":"1e5 -0 \\r"}', `{"a":${'9'.repeat(300)}}`, `{"a":1${'0'.repeat(299)}}`, '{ "a" :\t1 }', '{"a":-0.5}', '{"a":-0.05}', '{"a":-0.001}']) assert.equal(scan(ok).plain, true, ok);
    for (const bad of ['{"a":1,\r"b":2}', '{"a":1\n}', '{"a":1e5}', '{"a":1E5}', '{"a":2.5e-3}', '{"a":-0}', '{"a":-0,"b":1}', '{"a":-0.0}', '{"a":[-0.000]}', '{"a":-0.00,"b":1}', `{"a":${'9'.repeat(301)}}`, `{"a":1${'0'.repeat(300)}}`]) assert.equal(scan(bad).plain, false, bad);
  });

  it('ends with the line, even in a string that never closes', () => {
    assert.deepEqual(scan('["abc'), { values: 2, firstCloseToDepth2: -1, plain: true });
    assert.deepEqual(scan('{"a":"\\'), { values: 2, firstCloseToDepth2: -1, plain: true });
  });

  it('is kept for a long line read from the channel, and the line is handed out once', async () => {
    const input = new PassThrough();
    const seen: Array<{ scan: JsonLineScan | undefined; again: Uint8Array | undefined }> = [];
    readChildFrames(input, {
      onFrame: (frame) => {
        const line = takeFrameLine(frame);
        seen.push({ scan: line && lineScan(line), again: takeFrameLine(frame) });
      },
      onViolation: (v) => assert.fail(v),
    });
    const long = `{"ch":"mcp","msg":{"result":{"a":[1,2],"pad":"${'x'.repeat(2 * MAX_CHANNEL_JSON_VALUES)}"},"jsonrpc":"2.0","id":3}}`;
    input.write(`${long}\n{"ch":"mcp","msg":{"result":{"a":1},"jsonrpc":"2.0","id":4}}\n`);
    await until('both frames', () => seen.length === 2);
    assert.deepEqual(seen[0], { scan: { values: 10, firstCloseToDepth2: long.indexOf(',"jsonrpc"') - 1, plain: true }, again: undefined });
    assert.deepEqual(seen[1], { scan: undefined, again: undefined }, 'a short line is not scanned while reading');
  });

  it('counts values as before and says nothing more once past the limit', () => {
    assert.deepEqual(scan('{"a":[1,2],"b":{}}'), { values: 6, firstCloseToDepth2: -1, plain: true });
    assert.deepEqual(scan('[[1],[2],[3]]', 3), { values: 4, firstCloseToDepth2: -1, plain: false });
  });

  it('decides on every valid fixed-form line exactly as isOneJsonObject on the result bytes', () => {
    let ones = 0;
    fc.assert(fc.property(objects, fc.array(fc.tuple(fc.constantFrom(',"id":99,"result":', ',"error":', ',"x":', '},"msg":{"result":'), objects), { maxLength: 2 }), fc.boolean(), fc.integer(), (first, more, idFirst, seed) => {
      let state = seed >>> 0;
      const pick = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16;
      // The result's bytes, and sometimes more after them: keys, or a close of `msg` and a new one.
      let result = write(first, pick);
      for (const [joint, o] of more) result += `${joint}${write(o, pick)}`;
      const line = idFirst ? `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":${seed >>> 0},"result":${result}}}` : `{"ch":"mcp","msg":{"result":${result},"jsonrpc":"2.0","id":${seed >>> 0}}}`;
      JSON.parse(line); // the channel forwards only lines that parse
      const b = bytes(line);
      const span = resultSpan(b);
      assert.ok(span, line);
      const s = scanJsonLine(b, 1_000_000);
      const fromScan = s.plain && b[span[0]] === 0x7b && s.firstCloseToDepth2 === span[1] - 1;
      const direct = isOneJsonObject(b, span[0], span[1]);
      assert.equal(fromScan, direct, line);
      if (direct) ones++;
    }), { numRuns: 3000 });
    // Both answers occur often (most lines are refused: a CR, an exponent, or more after the result).
    assert.ok(ones > 100, `${ones} lines were one value`);
  });
});
