// A child's log lines (its stderr, or stdout when that is not its channel) reach the host one
// line at a time and bounded: a real child through NodeLauncher writes a 32 MiB line with no
// newline, and the host keeps only the first MAX_CHILD_LOG_LINE_BYTES of it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { MAX_CHILD_LOG_LINE_BYTES, readChildLogLines } from '../../../src/platform/supervisor/child-log-lines.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { noSandbox } from '../../../src/platform/supervisor/sandbox/sandbox.js';

const CUT = ` [line cut: longer than ${MAX_CHILD_LOG_LINE_BYTES} bytes]`;

describe('child log lines', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-log-lines-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('Security: a child writing 32 MiB without a newline costs the host one cut line, and its next lines still come', { timeout: 60_000 }, async () => {
    const script = path.join(tmp, 'flood.mjs');
    // Written in 1 MiB pieces, each after the last has drained, so the pipe carries it all.
    fs.writeFileSync(script, [
      "const piece = 'x'.repeat(1024 * 1024);",
      'const write = (s) => new Promise((r) => process.stderr.write(s, r));',
      'for (let i = 0; i < 32; i++) await write(piece);',
      "await write('\\nafter\\r\\n');",
      "await write('tail');",
    ].join('\n'));
    const child = new NodeLauncher({ sandbox: noSandbox('log line test') }).launch({ name: 'flood', modulePath: script, env: { PATH: process.env['PATH'] ?? '' }, channel: false });
    const lines: string[] = [];
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    try {
      await new Promise<void>((resolve) => {
        child.onLog((line) => {
          lines.push(line);
          if (line === 'tail') resolve();
        });
      });
      assert.equal(lines.length, 3, `lines of ${lines.map((l) => l.length).join(', ')} characters`);
      assert.equal(lines[0], `${'x'.repeat(MAX_CHILD_LOG_LINE_BYTES)}${CUT}`);
      assert.deepEqual(lines.slice(1), ['after', 'tail']);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('keeps a line of exactly the cap whole, cuts one byte more, and frames lines split across chunks, several in one chunk, CRLF, and a last one without an end', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    const ended = new Promise((resolve) => stream.on('end', resolve));
    readChildLogLines(stream, (l) => lines.push(l), 8);
    stream.write('12345678\n123');
    stream.write('456789\nab\r\ncd\n');
    stream.write(Buffer.from('\u00e9\u00e9\u00e9\u00e9\u00e9'));
    stream.end('\n\u00e9\u00e9\u00e9\u00e9\nlast');
    await ended;
    assert.deepEqual(lines, ['12345678', '12345678 [line cut: longer than 8 bytes]', 'ab', 'cd', '\u00e9\u00e9\u00e9\u00e9 [line cut: longer than 8 bytes]', '\u00e9\u00e9\u00e9\u00e9', 'last']);
  });

  /** The lines `readChildLogLines` reports for `chunks` written in order, then the end, with a cap of 8 bytes. */
  async function framed(chunks: (string | Buffer)[], encoding?: BufferEncoding): Promise<string[]> {
    const stream = new PassThrough();
    if (encoding) stream.setEncoding(encoding);
    const lines: string[] = [];
    const ended = new Promise((resolve) => stream.on('end', resolve));
    readChildLogLines(stream, (l) => lines.push(l), 8);
    for (const c of chunks) stream.write(c);
    stream.end();
    await ended;
    return lines;
  }

  it('keeps at most the cap of a long line that arrives in one chunk, and of one that overflows after a partial chunk', async () => {
    assert.deepEqual(await framed(['x'.repeat(1000)]), ['xxxxxxxx [line cut: longer than 8 bytes]']);
    assert.deepEqual(await framed(['abc', 'defghijklmnop\nq\n']), ['abcdefgh [line cut: longer than 8 bytes]', 'q']);
  });

  it('reports no empty line at the end when the stream ends after a newline or inside a cut line, and keeps empty lines written', async () => {
    assert.deepEqual(await framed(['a\nb\n']), ['a', 'b']);
    assert.deepEqual(await framed(['a\n\nb']), ['a', '', 'b']);
    assert.deepEqual(await framed(['123456789']), ['12345678 [line cut: longer than 8 bytes]']);
  });

  it('reads a stream that delivers strings (an encoding set on it) as the same lines', async () => {
    assert.deepEqual(await framed(['\u00e9t\u00e9\n', 'ab\r\n'], 'utf8'), ['\u00e9t\u00e9', 'ab']);
  });

  it('drops a CR only as a line ending, not one the cut leaves at the end of a long line', async () => {
    assert.deepEqual(await framed(['1234567\r9\n']), ['1234567\r [line cut: longer than 8 bytes]']);
  });
});
