import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { CliError } from '../../src/cli/cli-error.js';
import { readPasswordFromStdin } from '../../src/cli/read-password.js';

const stdin = (...chunks: Array<string | Buffer>): Readable => Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));

describe('readPasswordFromStdin()', () => {
  it('reads every chunk and strips exactly one trailing newline', async () => {
    assert.equal(await readPasswordFromStdin(stdin('pa', 'ss word\n')), 'pass word');
    assert.equal(await readPasswordFromStdin(stdin('pw\r\n')), 'pw');
    assert.equal(await readPasswordFromStdin(stdin(' pw ')), ' pw ');
  });

  it('refuses a terminal, empty input, several lines, binary and oversized input with usage errors that never quote it', async () => {
    const tty = Object.assign(stdin('secret\n'), { isTTY: true });
    const cases: Array<[Readable, RegExp]> = [
      [tty, /not a terminal/],
      [stdin(), /no password on stdin/],
      [stdin('secret\n\n'), /more than one line/],
      [stdin('sec\0ret'), /more than one line/],
      [stdin(Buffer.from([0x73, 0xff, 0x65])), /not UTF-8/],
      [stdin('secret'.repeat(1000)), /longer than 4096 bytes/],
    ];
    for (const [input, expected] of cases) {
      await assert.rejects(readPasswordFromStdin(input), (e: unknown) => {
        assert.ok(e instanceof CliError, 'a bad stdin password is refused with a CliError');
        assert.equal(e.exitCode, 2);
        assert.match(e.message, expected);
        assert.doesNotMatch(e.message, /secret/);
        return true;
      });
    }
  });
});
