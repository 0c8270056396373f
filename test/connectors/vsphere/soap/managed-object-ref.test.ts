import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMoRef } from '../../../../src/connectors/vsphere/soap/managed-object-ref.js';
import { parseXml } from '../../../../src/connectors/vsphere/soap/soap-xml.js';

describe('parseMoRef()', () => {
  it('reads the unqualified type attribute, not xsi:type', () => {
    const el = parseXml('<val xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="ManagedObjectReference" type="HostSystem">host-22</val>');
    assert.deepEqual(parseMoRef(el), { type: 'HostSystem', value: 'host-22' });
  });

  it('returns undefined when the element, its type or its value is missing', () => {
    assert.equal(parseMoRef(undefined), undefined);
    assert.equal(parseMoRef(parseXml('<val>host-22</val>')), undefined);
    assert.equal(parseMoRef(parseXml('<val type="HostSystem"/>')), undefined);
  });
});
