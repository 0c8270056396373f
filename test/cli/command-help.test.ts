// Which arguments ask for help, and which usage forms `keybroker COMMAND ... --help` shows
// (src/cli/command-help.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatCommandHelp, usageFor, valueOptions, wantsHelp } from '../../src/cli/command-help.js';

const ENDPOINT = [
  'keybroker endpoint add vsphere NAME --url URL',
  'keybroker endpoint add p6 NAME --url URL --database DB',
  'keybroker endpoint update NAME [--url URL]',
  'keybroker endpoint list [--json]',
];

describe('wantsHelp', () => {
  it('finds --help and -h anywhere before --', () => {
    assert.equal(wantsHelp(['--help']), true);
    assert.equal(wantsHelp(['vc1', '--json', '-h']), true);
    assert.equal(wantsHelp(['--', '--help']), false);
    assert.equal(wantsHelp(['--helpful', '-hx', '--help=1']), false);
    assert.equal(wantsHelp([]), false);
  });
});

describe('valueOptions and help in a value position', () => {
  it('an option followed by a placeholder takes a value; a flag, closed by ] or last, does not', () => {
    assert.deepEqual([...valueOptions([...ENDPOINT, 'keybroker http enable [--port N] [--cors ORIGIN ...] [--no-cors]', 'keybroker claude install [--server vsphere|p6]... [--force] --password-stdin'])].sort(), ['--cors', '--database', '--port', '--server', '--url']);
  });

  it('--help or -h right after an option that takes a value is that value, not help (parseArgs then refuses it: exit 2)', () => {
    const takes = valueOptions(ENDPOINT);
    assert.equal(wantsHelp(['add', 'vsphere', 'x', '--url', '--help'], takes), false);
    assert.equal(wantsHelp(['add', 'vsphere', 'x', '--url', '-h'], takes), false);
    assert.equal(wantsHelp(['list', '--json', '-h'], takes), true);
    assert.equal(wantsHelp(['add', 'vsphere', 'x', '--url', 'u', '--help'], takes), true);
  });
});

describe('usageFor', () => {
  it('narrows to the forms the leading words name, longest match first', () => {
    assert.deepEqual(usageFor('endpoint', ENDPOINT, ['add', '--help']), ENDPOINT.slice(0, 2));
    assert.deepEqual(usageFor('endpoint', ENDPOINT, ['add', 'p6', 'x', '--help']), [ENDPOINT[1]]);
    assert.deepEqual(usageFor('endpoint', ENDPOINT, ['list']), [ENDPOINT[3]]);
  });

  it('every form when no word matches, when there are none, or when an option comes first', () => {
    assert.deepEqual(usageFor('endpoint', ENDPOINT, ['ad']), ENDPOINT);
    assert.deepEqual(usageFor('endpoint', ENDPOINT, []), ENDPOINT);
    assert.deepEqual(usageFor('endpoint', ENDPOINT, ['--json', 'add']), ENDPOINT);
  });

  it('a word must match a whole word of the form (upd is not update)', () => {
    assert.deepEqual(usageFor('endpoint', ENDPOINT, ['upd']), ENDPOINT);
  });
});

describe('formatCommandHelp', () => {
  it('usage: and the forms aligned, a blank line, the summary', () => {
    assert.equal(formatCommandHelp(['keybroker a X', 'keybroker a Y'], 'does a'), 'usage: keybroker a X\n       keybroker a Y\n\ndoes a\n');
  });
});
