// Child-channel details that mutation testing showed unguarded (issue 12, docs/TESTING.md):
// the violation texts, one report per channel however many bad lines follow, the value count
// at its exact limit and only on lines long enough to need it, the last line at the end of
// the stream, a read error, dispose, and the writer on a closed pipe, with an unserialisable
// frame, and at the exact backlog limit. Security: the host reads a child that may be
// compromised; every limit here bounds what one child can make the host hold or parse.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { MAX_CHANNEL_JSON_VALUES, MAX_CHANNEL_LINE_BYTES, MAX_CHANNEL_SEND_BACKLOG_BYTES } from '../../../src/base/contracts/child-channel.js';
import type { Disposable } from '../../../src/base/lifecycle/disposable.js';
import {
  countJsonValues,
  describeViolation,
  frameLineBytes,
  MAX_INVALID_FRAMES_PER_CHILD,
  readChildFrames,
  writeChildFrame,
  type ChannelViolation,
} from '../../../src/platform/supervisor/child-channel.js';

const MAX = MAX_CHANNEL_JSON_VALUES;

function reader() {
  const input = new PassThrough();
  const frames: unknown[] = [];
  const violations: ChannelViolation[] = [];
  const handle = readChildFrames(input, { onFrame: (f) => frames.push(f), onViolation: (v) => violations.push(v) });
  return { input, frames, violations, handle };
}

/** Feed `text` as one chunk, synchronously (frames of one chunk are delivered in order, at once). */
function feed(input: PassThrough, text: string): void {
  input.emit('data', Buffer.from(text));
}

describe('describeViolation()', () => {
  it('names each violation with its limit, in one line', () => {
    assert.equal(describeViolation('oversized'), `a frame longer than ${MAX_CHANNEL_LINE_BYTES} bytes (or one without an end)`);
    assert.equal(describeViolation('too-complex'), `a frame of more than ${MAX_CHANNEL_JSON_VALUES} JSON values`);
    assert.equal(describeViolation('invalid-json'), 'a frame that is not JSON');
    assert.equal(describeViolation('backlog'), `more than ${MAX_CHANNEL_SEND_BACKLOG_BYTES} bytes of host frames left unread`);
    assert.equal(describeViolation('invalid-frames'), `more than ${MAX_INVALID_FRAMES_PER_CHILD} frames the host had to refuse`);
  });
});

describe('readChildFrames(): one violation closes the channel', () => {
  it('reports the first violation only, even when an oversized line follows it in the same chunk', () => {
    const r = reader();
    feed(r.input, `not json\n{"a":1}\n${'x'.repeat(MAX_CHANNEL_LINE_BYTES + 1)}`);
    assert.deepEqual(r.violations, ['invalid-json']);
    assert.deepEqual(r.frames, []);
    assert.ok(r.input.destroyed, 'the input is destroyed after the violation');
    assert.equal(r.input.listenerCount('data'), 0, 'nothing more is read from the child');
  });

  it('a valid frame of too many values is refused unparsed and not delivered', () => {
    const r = reader();
    feed(r.input, `[${'0,'.repeat(MAX)}0]\n{"b":2}\n`);
    assert.deepEqual(r.violations, ['too-complex']);
    assert.deepEqual(r.frames, []);
  });

  it('a frame of exactly the most values is delivered', () => {
    // An array of MAX - 1 items counts MAX values; the padding makes the line long enough to be counted.
    const line = `[${'0,'.repeat(MAX - 2)}"${'p'.repeat(16)}"]`;
    assert.ok(line.length >= 2 * MAX, 'the line is long enough to be counted');
    assert.equal(countJsonValues(Buffer.from(line), MAX), MAX);
    const r = reader();
    feed(r.input, `${line}\n`);
    assert.deepEqual(r.violations, []);
    assert.equal((r.frames[0] as unknown[]).length, MAX - 1);
  });

  it('counts values only on lines long enough to hold too many (two bytes each), from exactly that length', () => {
    const short = reader();
    feed(short.input, `${','.repeat(2 * MAX - 1)}\n`);
    assert.deepEqual(short.violations, ['invalid-json'], 'a shorter line is parsed, and this one is not JSON');
    const long = reader();
    feed(long.input, `${','.repeat(2 * MAX)}\n`);
    assert.deepEqual(long.violations, ['too-complex']);
  });
});

describe('readChildFrames(): end, errors and dispose', () => {
  it('delivers a last frame that has no newline when the child closes its end', async () => {
    const r = reader();
    const ended = once(r.input, 'end');
    r.input.end('{"a":1}\n{"last":true}');
    await ended;
    assert.deepEqual(r.frames, [{ a: 1 }, { last: true }]);
    assert.deepEqual(r.violations, []);
  });

  it('a read error on the child stream is no violation and no exception in the host', async () => {
    const r = reader();
    // Not events.once(): it rejects on the 'error' event, which is what this test is about.
    const closed = new Promise((resolve) => r.input.on('close', resolve));
    r.input.destroy(new Error('read EPIPE'));
    await closed;
    assert.deepEqual([r.frames, r.violations], [[], []]);
  });

  it('dispose stops reading at once, even in the middle of a chunk', () => {
    const input = new PassThrough();
    const frames: unknown[] = [];
    const violations: ChannelViolation[] = [];
    const handle: Disposable = readChildFrames(input, {
      onFrame: (f) => {
        frames.push(f);
        handle.dispose();
      },
      onViolation: (v) => violations.push(v),
    });
    feed(input, '{"n":1}\n{"n":2}\nnot json\n');
    assert.deepEqual([frames, violations], [[{ n: 1 }], []]);
    assert.equal(input.listenerCount('data'), 0);
    assert.equal(input.listenerCount('end'), 0);
  });
});

describe('writeChildFrame(): details', () => {
  function stalled() {
    const lines: string[] = [];
    const errors: Error[] = [];
    // A child that never reads: the writable never drains.
    const out = new Writable({ highWaterMark: 1, write: (chunk: Buffer, _enc, _cb) => void lines.push(chunk.toString()) });
    out.on('error', (e) => errors.push(e));
    return { out, lines, errors };
  }

  it('writes nothing to a pipe the child has closed, and raises no stream error', async () => {
    const ended = stalled();
    ended.out.end();
    assert.equal(writeChildFrame(ended.out, { ch: 'broker' }), undefined);
    const destroyed = stalled();
    destroyed.out.destroy();
    assert.equal(writeChildFrame(destroyed.out, { ch: 'broker' }), undefined);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([ended.lines, ended.errors, destroyed.lines, destroyed.errors], [[], [], [], []]);
  });

  it('drops a frame that cannot be serialised, writing nothing', () => {
    const s = stalled();
    assert.equal(writeChildFrame(s.out, { ch: 'mcp', n: 1n }), undefined);
    assert.deepEqual(s.lines, []);
    assert.equal(s.out.writableLength, 0);
  });

  it('a backlog of exactly the limit is allowed; one byte more is a backlog', () => {
    const s = stalled();
    // A JSON string line: two quotes and a newline around the text.
    assert.equal(writeChildFrame(s.out, 'z'.repeat(MAX_CHANNEL_SEND_BACKLOG_BYTES - 3)), undefined);
    assert.equal(s.out.writableLength, MAX_CHANNEL_SEND_BACKLOG_BYTES);
    assert.equal(writeChildFrame(s.out, 0), 'backlog');
  });
});

describe('frameLineBytes() (issue 17: the gateway measures a child frame by the line it came on)', () => {
  it('knows the byte length of the line each object frame was read from, and nothing of other values', () => {
    const { input, frames, violations } = reader();
    feed(input, '{"jsonrpc":"2.0","id":1,"result":{"é":1}}\n[1,2]\n5\nnull\n"text"\n');
    assert.deepEqual(violations, []);
    assert.equal(frames.length, 5, 'numbers, null and strings are delivered too (the receiver refuses them)');
    assert.equal(frameLineBytes(frames[0]), Buffer.byteLength('{"jsonrpc":"2.0","id":1,"result":{"é":1}}'));
    assert.equal(frameLineBytes(frames[1]), 5);
    for (const v of frames.slice(2)) assert.equal(frameLineBytes(v), undefined);
    assert.equal(frameLineBytes({ jsonrpc: '2.0' }), undefined, 'an object that did not come through the reader is unknown');
  });
});
