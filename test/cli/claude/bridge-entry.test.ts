import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeEntry, isBridgeEntry } from '../../../src/cli/claude/bridge-entry.js';

describe('bridgeEntry()', () => {
  it('runs the CommonJS bridge bundle for SERVER with the given node, and no env by default', () => {
    assert.deepEqual(bridgeEntry('p6', { node: '/n', bridge: '/kb/dist/cli/bridge.cjs' }), { command: '/n', args: ['/kb/dist/cli/bridge.cjs', 'p6'] });
  });

  it('pins KEYBROKER_HOME only when one is given', () => {
    assert.deepEqual(bridgeEntry('vsphere', { node: '/n', bridge: '/b/dist/cli/bridge.cjs', home: '/h' }).env, { KEYBROKER_HOME: '/h' });
  });

  it('recognises what it builds, for its own server only', () => {
    const e = bridgeEntry('vsphere', { node: '/n', bridge: '/b/dist/cli/bridge.cjs' });
    assert.equal(isBridgeEntry(e, 'vsphere'), true);
    assert.equal(isBridgeEntry(e, 'p6'), false);
    assert.equal(isBridgeEntry({ ...e, args: [...e.args, 1] }, 'vsphere'), false);
    assert.equal(isBridgeEntry({ ...e, args: [...e.args, '--debug'] }, 'vsphere'), false);
    assert.equal(isBridgeEntry(null, 'vsphere'), false);
    assert.equal(isBridgeEntry([e], 'vsphere'), false);
  });

  it('recognises the older shapes as ours: `<node> …/keybroker.js bridge SERVER` and `keybroker bridge SERVER`', () => {
    assert.equal(isBridgeEntry({ command: '/old/node', args: ['/old/kb/bin/keybroker.js', 'bridge', 'vsphere'] }, 'vsphere'), true);
    assert.equal(isBridgeEntry({ command: 'keybroker', args: ['bridge', 'vsphere'] }, 'vsphere'), true);
    assert.equal(isBridgeEntry({ command: 'C:\\kb\\keybroker.cmd', args: ['bridge', 'p6'] }, 'p6'), true);
    assert.equal(isBridgeEntry({ command: 'keybroker', args: ['bridge', 'p6'] }, 'vsphere'), false);
  });

  it('recognises the bundle path from any checkout or OS, but no other file of that name', () => {
    assert.equal(isBridgeEntry({ command: 'C:\\node\\node.exe', args: ['C:\\KeyBroker\\Dist\\cli\\bridge.cjs', 'p6'] }, 'p6'), true);
    assert.equal(isBridgeEntry({ command: 'node', args: ['/somewhere/else/bridge.cjs', 'p6'] }, 'p6'), false);
    assert.equal(isBridgeEntry({ command: 'node', args: ['/kb/dist/cli/bridge.js', 'p6'] }, 'p6'), false);
  });
});
