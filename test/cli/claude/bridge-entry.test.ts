import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeEntry, isBridgeEntry } from '../../../src/cli/claude/bridge-entry.js';

describe('bridgeEntry()', () => {
  it('runs `keybroker bridge SERVER` with the given node and bin, and no env by default', () => {
    assert.deepEqual(bridgeEntry('p6', { node: '/n', bin: '/kb/bin/keybroker.js' }), { command: '/n', args: ['/kb/bin/keybroker.js', 'bridge', 'p6'] });
  });

  it('pins KEYBROKER_HOME only when one is given', () => {
    assert.deepEqual(bridgeEntry('vsphere', { node: '/n', bin: '/b/keybroker.js', home: '/h' }).env, { KEYBROKER_HOME: '/h' });
  });

  it('recognises what it builds, for its own server only', () => {
    const e = bridgeEntry('vsphere', { node: '/n', bin: '/b/keybroker.js' });
    assert.equal(isBridgeEntry(e, 'vsphere'), true);
    assert.equal(isBridgeEntry(e, 'p6'), false);
    assert.equal(isBridgeEntry({ ...e, args: [...e.args, 1] }, 'vsphere'), false);
    assert.equal(isBridgeEntry(null, 'vsphere'), false);
    assert.equal(isBridgeEntry([e], 'vsphere'), false);
  });
});
