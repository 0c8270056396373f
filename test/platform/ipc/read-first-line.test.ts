import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { readFirstLine } from '../../../src/platform/ipc/read-first-line.js';

describe('readFirstLine()', () => {
  it('returns the first line and the bytes after it, and leaves the stream paused to the caller', async () => {
    const s = new PassThrough();
    const result = readFirstLine(s, { maxBytes: 64, timeoutMs: 5000 });
    s.write('{"hel');
    s.write('lo":1}\n{"next":');
    const r = await result;
    assert.ok(r.ok, 'a line split over writes is read');
    assert.equal(r.line.toString(), '{"hello":1}');
    assert.equal(r.rest.toString(), '{"next":');
    assert.equal(s.isPaused(), true);
    assert.equal(s.listenerCount('data'), 0);
    s.write('2}\n');
    assert.equal((s.read() as Buffer).toString(), '2}\n', 'later bytes wait in the stream for the next reader');
  });

  it('refuses a line longer than maxBytes, with or without a newline', async () => {
    const a = new PassThrough();
    const ra = readFirstLine(a, { maxBytes: 8, timeoutMs: 5000 });
    a.write('0123456789');
    assert.deepEqual(await ra, { ok: false, reason: 'too-long' });
    const b = new PassThrough();
    const rb = readFirstLine(b, { maxBytes: 8, timeoutMs: 5000 });
    b.write('0123');
    b.write('456789\n');
    assert.deepEqual(await rb, { ok: false, reason: 'too-long' });
  });

  it('gives up after timeoutMs, and reports a stream that ended first', async () => {
    assert.deepEqual(await readFirstLine(new PassThrough(), { maxBytes: 8, timeoutMs: 20 }), { ok: false, reason: 'timeout' });
    const s = new PassThrough();
    const r = readFirstLine(s, { maxBytes: 8, timeoutMs: 5000 });
    s.end('abc');
    assert.deepEqual(await r, { ok: false, reason: 'closed' });
  });
});
