import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestMatches, didYouMean, editDistance } from '../../src/cli/did-you-mean.js';

describe('editDistance()', () => {
  it('counts inserts, deletes and substitutions', () => {
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('restart', 'restart'), 0);
    assert.equal(editDistance('restrat', 'restart'), 2);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});

describe('closestMatches()', () => {
  const tools = ['vsphere_list_vms', 'vsphere_list_hosts', 'vsphere_power_on_vm', 'vsphere_list_endpoints'];
  it('finds near misses, best first, ignoring case', () => {
    assert.deepEqual(closestMatches('vsphere_list_vm', tools), ['vsphere_list_vms']);
    assert.deepEqual(closestMatches('STATUS', ['status', 'serve']), ['status']);
  });
  it('finds a name that contains the input', () => {
    assert.deepEqual(closestMatches('endpoints', tools), ['vsphere_list_endpoints']);
  });
  it('suggests nothing for unrelated input', () => {
    assert.deepEqual(closestMatches('xyzzy', ['status', 'serve', 'lock']), []);
    assert.deepEqual(closestMatches('', ['status']), []);
  });
});

describe('didYouMean()', () => {
  it('phrases one, several or no suggestion', () => {
    assert.equal(didYouMean('lok', ['lock', 'serve']), '; did you mean "lock"?');
    assert.equal(didYouMean('ab', ['aa', 'bb', 'zz-top']), '; did you mean "aa" or "bb"?');
    assert.equal(didYouMean('qqqqqq', ['lock']), '');
  });
});
