import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { vapiIds, vapiText } from '../../../../src/connectors/vsphere/vapi/vapi-value.js';

describe('vAPI values', () => {
  it('vapiText: a non-empty string as it is; "" and anything else as absent, without calling it', () => {
    assert.equal(vapiText('urn:vmomi:InventoryServiceTag:1'), 'urn:vmomi:InventoryServiceTag:1');
    assert.equal(vapiText(' '), ' ');
    for (const v of ['', undefined, null, 0, 1, true, [], ['a'], {}, { toString: () => 'x' }]) assert.equal(vapiText(v), undefined, String(JSON.stringify(v)));
  });

  it('vapiIds: the strings of a list, in order; [] for anything that is not one', () => {
    assert.deepEqual(vapiIds(['b', 1, 'a', null, '', { id: 'c' }]), ['b', 'a', '']);
    for (const v of [undefined, null, 'a', {}, { value: ['a'] }]) assert.deepEqual(vapiIds(v), []);
  });
});
