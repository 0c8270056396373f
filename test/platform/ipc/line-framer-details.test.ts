// LineFramer details that mutation testing showed unguarded (docs/TESTING.md): the cap when
// a line of exactly the cap arrives split, CRLF and a bare CR line, and a last line without
// newline delivered when a real socket ends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LineFramer, readJsonLines, type InvalidLineReason } from '../../../src/platform/ipc/line-framer.js';

function collect(maxLineBytes: number) {
  const values: unknown[] = [];
  const invalid: InvalidLineReason[] = [];
  const framer = new LineFramer({ maxLineBytes, onValue: (v) => values.push(v), onInvalid: (r) => invalid.push(r) });
  return { framer, values, invalid };
}

describe('LineFramer details', () => {
  it('accepts a line of exactly the cap that arrives without its newline first, and refuses one byte more', () => {
    const ok = collect(16);
    ok.framer.push(Buffer.from(JSON.stringify('y'.repeat(14)))); // 16 bytes, no newline yet
    assert.equal(ok.framer.bufferedBytes, 16);
    ok.framer.push(Buffer.from('\n'));
    assert.deepEqual([ok.values, ok.invalid], [['y'.repeat(14)], []]);
    const over = collect(16);
    over.framer.push(Buffer.from(JSON.stringify('y'.repeat(15)))); // 17 bytes
    assert.deepEqual(over.invalid, ['too-long']);
    assert.equal(over.framer.bufferedBytes, 0);
    over.framer.push(Buffer.from('\n{"n":2}\n'));
    assert.deepEqual(over.values, [{ n: 2 }]);
  });

  it('takes CRLF line ends, and skips a line that is only CR as a blank keep-alive', () => {
    const c = collect(64);
    c.framer.push(Buffer.from('{"a":1}\r\n\r\n\n{"b":2}\r\n'));
    assert.deepEqual(c.values, [{ a: 1 }, { b: 2 }]);
    assert.deepEqual(c.invalid, []);
  });

  it('end() after a dropped line starts clean: a later line is read normally', () => {
    const c = collect(8);
    c.framer.push(Buffer.from('"0123456789'));
    c.framer.end();
    c.framer.push(Buffer.from('{"z":1}\n'));
    assert.deepEqual(c.values, [{ z: 1 }]);
    assert.deepEqual(c.invalid, ['too-long']);
  });
});

describe('readJsonLines() details', () => {
  it('delivers a last line without newline when the peer ends the socket', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-frame-end-'));
    const sock = path.join(dir, 's.sock');
    const values: unknown[] = [];
    let got!: () => void;
    const delivered = new Promise<void>((r) => (got = r));
    const server = net.createServer((s) => {
      readJsonLines(s, { maxLineBytes: 1024, onValue: (v) => { values.push(v); got(); }, onInvalid: () => undefined });
      s.on('error', () => undefined);
    });
    try {
      await new Promise<void>((r) => server.listen(sock, r));
      const client = net.connect(sock);
      client.end('{"last":true}');
      await delivered;
      assert.deepEqual(values, [{ last: true }]);
    } finally {
      await new Promise((r) => server.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
