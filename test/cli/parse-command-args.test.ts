import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../src/cli/cli-error.js';
import { parseCommandArgs } from '../../src/cli/parse-command-args.js';

const USAGE = 'keybroker thing [--url URL] [--cors ORIGIN ...] [--json]';
const OPTIONS = { url: { type: 'string' }, cors: { type: 'string', multiple: true }, json: { type: 'boolean' } } as const;

/** The usage error `fn` throws: its exit code and message. */
function usageOf(fn: () => unknown): { exitCode: number; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CliError, String(e));
    return { exitCode: e.exitCode, message: e.message };
  }
  assert.fail('expected a usage error');
}

describe('parseCommandArgs()', () => {
  it('refuses an option that takes one value given twice, in any spelling, naming it (D143)', () => {
    for (const argv of [['--url', 'a', '--url', 'b'], ['--url=a', '--url', 'b'], ['--url', 'a', '--url=a'], ['x', '--url=a', 'y', '--url=b']]) {
      assert.deepEqual(usageOf(() => parseCommandArgs(argv, OPTIONS, USAGE)), { exitCode: 2, message: `--url is given more than once; give it once; usage: ${USAGE}` }, argv.join(' '));
    }
  });

  it('takes a repeated boolean, a `multiple` option and a value after `--` as before', () => {
    const r = parseCommandArgs(['--json', '--cors', 'https://a', '--json', '--cors=https://b', '--url', 'u', '--', '--url', 'v'], OPTIONS, USAGE);
    assert.deepEqual({ ...r.values }, { json: true, cors: ['https://a', 'https://b'], url: 'u' });
    assert.deepEqual(r.positionals, ['--url', 'v']);
  });

  it('still turns parseArgs errors into one usage line with the nearest option', () => {
    assert.deepEqual(usageOf(() => parseCommandArgs(['--jsn'], OPTIONS, USAGE)), { exitCode: 2, message: `Unknown option '--jsn'; did you mean "--json"?; usage: ${USAGE}` });
  });
});
