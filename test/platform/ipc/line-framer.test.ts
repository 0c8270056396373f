import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineFramer, readJsonLines, type InvalidLineReason } from '../../../src/platform/ipc/line-framer.js';

const CAP = 64 * 1024;

function collect(maxLineBytes = CAP) {
  const values: unknown[] = [];
  const invalid: InvalidLineReason[] = [];
  const framer = new LineFramer({ maxLineBytes, onValue: (v) => values.push(v), onInvalid: (r) => invalid.push(r) });
  return { framer, values, invalid };
}

describe('LineFramer', () => {
  it('delivers lines split across chunks and several lines in one chunk, in order', () => {
    const { framer, values, invalid } = collect();
    framer.push(Buffer.from('{"a":'));
    framer.push(Buffer.from('1}\n{"b":2}\r\n\n{"c"'));
    framer.push(Buffer.from(':"\u00e9"}\n'));
    assert.deepEqual(values, [{ a: 1 }, { b: 2 }, { c: '\u00e9' }]);
    assert.deepEqual(invalid, []);
    assert.equal(framer.bufferedBytes, 0);
  });

  it('splits a multi-byte character across chunks correctly', () => {
    const { framer, values } = collect();
    const bytes = Buffer.from('{"s":"\u20ac"}\n');
    framer.push(bytes.subarray(0, 7));
    framer.push(bytes.subarray(7));
    assert.deepEqual(values, [{ s: '\u20ac' }]);
  });

  it('reports a line that is not JSON (or not UTF-8) and goes on with the next', () => {
    const { framer, values, invalid } = collect();
    framer.push(Buffer.from('not json\n'));
    framer.push(Buffer.concat([Buffer.from('"'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n{"ok":true}\n')]));
    assert.deepEqual(invalid, ['invalid-json', 'invalid-json']);
    assert.deepEqual(values, [{ ok: true }]);
  });

  it('drops an 11 MiB line without ever holding more than the cap, then reads the next line', () => {
    const { framer, values, invalid } = collect();
    const chunk = Buffer.alloc(64 * 1024, 0x61); // 'a'
    let maxHeld = 0;
    framer.push(Buffer.from('{"x":"'));
    for (let sent = 0; sent < 11 * 1024 * 1024; sent += chunk.length) {
      framer.push(chunk);
      maxHeld = Math.max(maxHeld, framer.bufferedBytes);
    }
    framer.push(Buffer.from('"}\n{"after":1}\n'));
    assert.ok(maxHeld <= 2 * CAP, `framer held ${maxHeld} bytes`);
    assert.deepEqual(invalid, ['too-long']);
    assert.deepEqual(values, [{ after: 1 }]);
    assert.equal(framer.bufferedBytes, 0);
  });

  it('drops an over-long line that arrives in one chunk with its newline', () => {
    const { framer, values, invalid } = collect(16);
    framer.push(Buffer.from(`${JSON.stringify('x'.repeat(40))}\n{"n":1}\n`));
    assert.deepEqual(invalid, ['too-long']);
    assert.deepEqual(values, [{ n: 1 }]);
  });

  it('accepts a line of exactly the cap', () => {
    const { framer, values, invalid } = collect(16);
    const line = JSON.stringify('y'.repeat(14)); // 16 bytes
    framer.push(Buffer.from(line + '\n'));
    assert.deepEqual(invalid, []);
    assert.deepEqual(values, ['y'.repeat(14)]);
  });

  it('end() delivers a final line without newline, and not the rest of a dropped one', () => {
    const a = collect();
    a.framer.push(Buffer.from('{"last":true}'));
    a.framer.end();
    assert.deepEqual(a.values, [{ last: true }]);

    const b = collect(8);
    b.framer.push(Buffer.from('"0123456789'));
    b.framer.end();
    assert.deepEqual(b.values, []);
    assert.deepEqual(b.invalid, ['too-long']);
  });
});

describe('readJsonLines()', () => {
  it('reads values from a real socket and keeps the connection usable after an 11 MiB line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-frame-'));
    const sock = path.join(dir, 's.sock');
    const values: unknown[] = [];
    const invalid: InvalidLineReason[] = [];
    let maxHeld = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const server = net.createServer((s) => {
      const framer = readJsonLines(s, {
        maxLineBytes: CAP,
        onValue: (v) => {
          values.push(v);
          if ((v as { end?: boolean }).end) done();
        },
        onInvalid: (r) => invalid.push(r),
      });
      s.on('data', () => (maxHeld = Math.max(maxHeld, framer.bufferedBytes)));
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const client = net.connect(sock);
      client.write('{"first":1}\n');
      client.write(Buffer.alloc(11 * 1024 * 1024, 0x62));
      client.write('\n{"end":true}\n');
      await finished;
      client.destroy();
      assert.deepEqual(values, [{ first: 1 }, { end: true }]);
      assert.deepEqual(invalid, ['too-long']);
      assert.ok(maxHeld <= 2 * CAP, `framer held ${maxHeld} bytes`);
    } finally {
      await new Promise((r) => server.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
