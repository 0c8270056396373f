import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { MAX_CHANNEL_JSON_VALUES, MAX_CHANNEL_LINE_BYTES, MAX_CHANNEL_SEND_BACKLOG_BYTES } from '../../../src/base/contracts/child-channel.js';
import { countJsonValues, readChildFrames, writeChildFrame, type ChannelViolation } from '../../../src/platform/supervisor/child-channel.js';

function reader() {
  const input = new PassThrough();
  const frames: unknown[] = [];
  const violations: ChannelViolation[] = [];
  readChildFrames(input, { onFrame: (f) => frames.push(f), onViolation: (v) => violations.push(v) });
  const tick = () => new Promise((r) => setImmediate(r));
  return { input, frames, violations, tick };
}

describe('readChildFrames()', () => {
  it('delivers JSON lines in order, across chunks', async () => {
    const r = reader();
    r.input.write('{"ch":"mcp","msg":1}\n{"ch":"bro');
    r.input.write('ker"}\n');
    await r.tick();
    assert.deepEqual(r.frames, [{ ch: 'mcp', msg: 1 }, { ch: 'broker' }]);
    assert.deepEqual(r.violations, []);
  });

  it('an endless line is reported once, as soon as it passes the cap, and the stream is destroyed', async () => {
    const r = reader();
    const chunk = Buffer.alloc(1024 * 1024, 0x78);
    let written = 0;
    while (!r.input.destroyed && written <= MAX_CHANNEL_LINE_BYTES + chunk.length) {
      r.input.write(chunk);
      written += chunk.length;
      await r.tick();
    }
    assert.deepEqual(r.violations, ['oversized']);
    assert.ok(r.input.destroyed, 'the input is destroyed after the oversized line');
    assert.ok(written <= MAX_CHANNEL_LINE_BYTES + chunk.length, 'the stream was destroyed within one chunk past the line cap');
  });

  it('a line that is not JSON is a violation, and nothing after it is delivered', async () => {
    const r = reader();
    r.input.write('{"a":1}\nnot json\n{"b":2}\n');
    await r.tick();
    assert.deepEqual(r.frames, [{ a: 1 }]);
    assert.deepEqual(r.violations, ['invalid-json']);
  });
});

describe('countJsonValues()', () => {
  const count = (text: string, limit = 1000) => countJsonValues(new TextEncoder().encode(text), limit);
  it('counts objects, arrays and list items outside strings, never inside them', () => {
    assert.equal(count('1'), 1);
    assert.equal(count('[1,2,{"a":[3]}]'), 6);
    assert.equal(count('{"s":"[,{\\"[,"}'), 2);
    assert.equal(count('"a,b,c"'), 1);
  });
  it('stops once past the limit', () => {
    assert.equal(count('['.repeat(50), 10), 11);
  });
});

describe('readChildFrames() and nesting', () => {
  it('a frame under the size limit with too many values is a violation, reported before it is parsed', async () => {
    const r = reader();
    const n = MAX_CHANNEL_JSON_VALUES + 1;
    r.input.write(`{"ch":"mcp","msg":${'['.repeat(n)}${']'.repeat(n)}}\n`);
    await r.tick();
    assert.deepEqual(r.violations, ['too-complex']);
    assert.deepEqual(r.frames, []);
  });

  it('a long frame of few values (one big string) passes', async () => {
    const r = reader();
    r.input.write(`${JSON.stringify({ ch: 'mcp', msg: 'x,['.repeat(400_000) })}\n`);
    await r.tick();
    assert.equal(r.frames.length, 1);
    assert.deepEqual(r.violations, []);
  });
});

describe('writeChildFrame()', () => {
  it('writes one JSON line, and reports a backlog once the child leaves too much unread', () => {
    const lines: string[] = [];
    // A child that never reads: the writable never drains.
    const stalled = new Writable({ highWaterMark: 1, write: (chunk: Buffer, _enc, _cb) => void lines.push(chunk.toString()) });
    assert.equal(writeChildFrame(stalled, { ch: 'broker', t: 'token.grant' }), undefined);
    assert.equal(lines[0], '{"ch":"broker","t":"token.grant"}\n');
    const big = { ch: 'mcp', msg: 'z'.repeat(1024 * 1024) };
    let result: ChannelViolation | undefined;
    let n = 0;
    while (result === undefined && n < 100) {
      result = writeChildFrame(stalled, big);
      n++;
    }
    assert.equal(result, 'backlog');
    assert.equal(n, MAX_CHANNEL_SEND_BACKLOG_BYTES / (1024 * 1024), 'not before the backlog passes the limit');
  });
});
