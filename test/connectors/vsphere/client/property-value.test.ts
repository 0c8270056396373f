// xsi:type conversion on the exact shapes vcsim and vCenter send (reference §1 pitfalls).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePropertyValue, asArray, isMoRef, propertyScalar, propertyText } from '../../../../src/connectors/vsphere/client/property-value.js';
import { oneShotVm } from '../../../../src/connectors/vsphere/list-all-vms.js';
import { parseXml } from '../../../../src/connectors/vsphere/soap/soap-xml.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const val = (inner: string, attrs = '') => parseXml(`<val xmlns="urn:vim25" xmlns:XMLSchema-instance="${XSI}" xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ${attrs}>${inner}</val>`)!;

describe('parsePropertyValue()', () => {
  it('keeps the two type attributes of a MoRef apart (vcsim prefix)', () => {
    const v = parsePropertyValue(val('host-22', 'XMLSchema-instance:type="ManagedObjectReference" type="HostSystem"'));
    assert.deepEqual(v, { type: 'HostSystem', value: 'host-22' });
    assert.ok(isMoRef(v), 'the value is read as a MoRef');
  });

  it('matches the type attribute by namespace, not by prefix', () => {
    assert.equal(parsePropertyValue(val('42', 'xsi:type="xsd:int"')), 42);
    assert.equal(parsePropertyValue(val('42', 'XMLSchema-instance:type="xsd:int"')), 42);
    const undeclared = parseXml('<val xmlns="urn:vim25" foo:type="xsd:int" xmlns:foo="urn:not-xsi">42</val>')!;
    assert.equal(parsePropertyValue(undeclared), '42');
  });

  it('converts scalars by type: long, short, boolean, string, enum', () => {
    assert.equal(parsePropertyValue(val('4294430720', 'xsi:type="xsd:long"')), 4294430720);
    assert.equal(parsePropertyValue(val('2', 'xsi:type="xsd:short"')), 2);
    assert.equal(parsePropertyValue(val('true', 'xsi:type="xsd:boolean"')), true);
    assert.equal(parsePropertyValue(val('false', 'xsi:type="xsd:boolean"')), false);
    assert.equal(parsePropertyValue(val('6.5', 'xsi:type="xsd:string"')), '6.5');
    assert.equal(parsePropertyValue(val('poweredOn', 'xsi:type="VirtualMachinePowerState"')), 'poweredOn');
  });

  it('always makes ArrayOf… an array, also with one element', () => {
    const one = parsePropertyValue(val('<ManagedObjectReference type="Datastore">datastore-1</ManagedObjectReference>', 'xsi:type="ArrayOfManagedObjectReference"'));
    assert.deepEqual(one, [{ type: 'Datastore', value: 'datastore-1' }]);
    assert.deepEqual(parsePropertyValue(val('', 'xsi:type="ArrayOfManagedObjectReference"')), []);
    assert.deepEqual(parsePropertyValue(val('<int>1</int><int>2</int>', 'xsi:type="ArrayOfInt"')), [1, 2]);
    assert.deepEqual(parsePropertyValue(val('<string>a</string>', 'xsi:type="ArrayOfString"')), ['a']);
  });

  it('turns data objects into records, with _type and repeated fields as arrays', () => {
    const v = parsePropertyValue(
      val('<currentSnapshot type="VirtualMachineSnapshot">snapshot-1</currentSnapshot><rootSnapshotList><name>a</name><childSnapshotList><name>b</name></childSnapshotList><childSnapshotList><name>c</name></childSnapshotList></rootSnapshotList>', 'xsi:type="VirtualMachineSnapshotInfo"'),
    ) as Record<string, unknown>;
    assert.equal(v['_type'], 'VirtualMachineSnapshotInfo');
    assert.deepEqual(v['currentSnapshot'], { type: 'VirtualMachineSnapshot', value: 'snapshot-1' });
    const root = v['rootSnapshotList'] as Record<string, unknown>;
    assert.equal(root['name'], 'a');
    assert.deepEqual(asArray(root['childSnapshotList']).map((c) => (c as Record<string, unknown>)['name']), ['b', 'c']);
  });

  it('decodes entities in text', () => {
    assert.equal(parsePropertyValue(val('a &amp; b &lt;c&gt;', 'xsi:type="xsd:string"')), 'a & b <c>');
  });
});

describe('asArray()', () => {
  it('wraps one value, keeps arrays, and maps undefined to []', () => {
    assert.deepEqual(asArray(1), [1]);
    assert.deepEqual(asArray([1, 2]), [1, 2]);
    assert.deepEqual(asArray(undefined), []);
  });
});

describe('propertyText() and propertyScalar() (D126)', () => {
  // A data object from the upstream whose fields shadow Object.prototype's (D95 keeps any name).
  const hostile = parsePropertyValue(val('<toString>x</toString><valueOf>y</valueOf>', 'xsi:type="Description"'));

  it('Security: take text or a scalar as it is, and count a data object, a list or a MoRef as unset (String() on one throws)', () => {
    assert.throws(() => String(hostile), TypeError, 'the hazard: String() calls the field');
    assert.throws(() => Number(hostile), TypeError);
    for (const v of [hostile, [hostile], [], { type: 'HostSystem', value: 'host-1' }, undefined]) {
      assert.equal(propertyText(v), undefined);
      assert.equal(propertyScalar(v), undefined);
    }
    assert.equal(propertyText('vm'), 'vm');
    assert.equal(propertyText(''), '');
    assert.equal(propertyText(42), undefined, 'a name is text');
    assert.deepEqual([propertyScalar('x'), propertyScalar(0), propertyScalar(false)], ['x', 0, false]);
  });

  it('Security: the one-shot reads a VM whose name, power state and sizes are data objects as unset, instead of throwing', () => {
    const host = { type: 'HostSystem', value: 'host-1' };
    const row = oneShotVm({ name: hostile, 'runtime.powerState': [hostile], 'summary.config.numCpu': hostile, 'summary.config.memorySizeMB': 2048, 'runtime.host': host, 'guest.ipAddress': hostile }, new Map([['host-1', 'esx-1']]));
    assert.deepEqual(row, { name: '', powerState: '', numCpu: 0, memoryMB: 2048, host: 'esx-1' });
    assert.deepEqual(oneShotVm({ name: 'a', 'runtime.powerState': 'poweredOn', 'summary.config.numCpu': '2' }, new Map()), { name: 'a', powerState: 'poweredOn', numCpu: 2, memoryMB: 0 });
  });
});
