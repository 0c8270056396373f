// The kept VM inventory (issue 17) against a hostile or broken vCenter (review R-review4): the
// UpdateSets are upstream-controlled. Whatever they say, a listing either shows rows a full read
// of the same server would show, or reads afresh; it never loops, never keeps an upstream key
// on a prototype, and never keeps a row the server said was gone. A fake SOAP server over
// HTTPS answers the collector's calls with crafted UpdateSets and RetrievePropertiesEx with a
// fixed inventory (the full read).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VsphereClient } from '../../../../src/connectors/vsphere/index.js';
import { currentVmRows } from '../../../../src/mcp/vsphere/inventory/current-vm-rows.js';
import { KeptInventory } from '../../../../src/mcp/vsphere/inventory/kept-inventory.js';
import type { VmRow } from '../../../../src/mcp/vsphere/inventory/vm-rows.js';
import { soapEnvelope, soapMethodOf, startFakeVcenter, vmEnter, type FakeVcenter } from '../../../support/fake-vcenter.js';

const SERVICE_CONTENT =
  '<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval>' +
  '<rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">propertyCollector</propertyCollector>' +
  '<viewManager type="ViewManager">ViewManager</viewManager><about><name>hostile</name><apiVersion>8.0.2.0</apiVersion></about>' +
  '<sessionManager type="SessionManager">SessionManager</sessionManager></returnval></RetrieveServiceContentResponse>';

const leave = (value: string) => `<objectSet><kind>leave</kind><obj type="VirtualMachine">${value}</obj></objectSet>`;
const update = (objectSets: string, tail = '<version>v</version>') =>
  `<WaitForUpdatesExResponse xmlns="urn:vim25"><returnval>${tail}<filterSet><filter type="PropertyFilter">f</filter>${objectSets}</filterSet></returnval></WaitForUpdatesExResponse>`;
/** The full read: one page of VirtualMachine objects with the same two properties. */
const retrieved = (vms: readonly (readonly [string, string])[]) =>
  '<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>' +
  vms.map(([value, name]) => `<objects><obj type="VirtualMachine">${value}</obj><propSet><name>name</name><val xsi:type="xsd:string">${name}</val></propSet><propSet><name>runtime.powerState</name><val xsi:type="VirtualMachinePowerState">poweredOn</val></propSet></objects>`).join('') +
  '</returnval></RetrievePropertiesExResponse>';

describe('KeptInventory against a hostile vCenter', () => {
  let fake: FakeVcenter;
  /** The WaitForUpdatesEx answers still to give, in order; the last one repeats. */
  let waits: string[];
  let waitCalls: number;
  /** What a full read finds. */
  let inventory: (readonly [string, string])[];

  before(async () => {
    fake = await startFakeVcenter(({ body }) => {
      const method = soapMethodOf(body) ?? '';
      let answer: string;
      if (method === 'RetrieveServiceContent') answer = SERVICE_CONTENT;
      else if (method === 'CreatePropertyCollector') answer = '<CreatePropertyCollectorResponse xmlns="urn:vim25"><returnval type="PropertyCollector">session[1]pc</returnval></CreatePropertyCollectorResponse>';
      else if (method === 'CreateContainerView') answer = '<CreateContainerViewResponse xmlns="urn:vim25"><returnval type="ContainerView">session[1]view</returnval></CreateContainerViewResponse>';
      else if (method === 'CreateFilter') answer = '<CreateFilterResponse xmlns="urn:vim25"><returnval type="PropertyFilter">session[1]f</returnval></CreateFilterResponse>';
      else if (method === 'WaitForUpdatesEx') {
        waitCalls++;
        answer = waits.length > 1 ? waits.shift()! : waits[0]!;
      } else if (method === 'RetrievePropertiesEx') answer = retrieved(inventory);
      else answer = `<${method}Response xmlns="urn:vim25"></${method}Response>`;
      return { body: soapEnvelope(answer) };
    });
  });
  after(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    waitCalls = 0;
    inventory = [['vm-1', 'one'], ['vm-2', 'two']];
  });

  const session = { token: async () => 'cookie', renew: async () => 'cookie' };
  const names = (rows: VmRow[]) => rows.map((r) => `${r.moref}=${r.name}`).sort();
  /** A kept inventory built from `build`, then one listing after `next`: its rows and fallbacks. */
  const listing = async (build: string[], next: string[]) => {
    const client = new VsphereClient({ url: fake.url, dispatcher: fake.dispatcher, session });
    const kept = new KeptInventory(client, { session: async () => 'one' });
    const fallbacks: unknown[] = [];
    try {
      waits = build;
      const first = await currentVmRows(kept, () => true, (e) => fallbacks.push(e));
      assert.equal(fallbacks.length, 0, 'the build is served by the collector');
      waits = next;
      waitCalls = 0;
      const rows = await currentVmRows(kept, () => true, (e) => fallbacks.push(e));
      return { first: names(first), rows: names(rows), fallbacks, kept: kept.kept };
    } finally {
      await kept.dispose();
    }
  };
  const BUILD = [update(vmEnter('vm-1', 'one') + vmEnter('vm-2', 'two'), '<version>1</version>')];

  it('a truncated answer without a version is refused at once (it would restart the collector from nothing, up to 10,000 times)', async () => {
    const r = await listing(BUILD, [update(vmEnter('vm-3', 'three'), '<truncated>true</truncated>')]);
    assert.equal(waitCalls, 1, 'one WaitForUpdatesEx, not a loop');
    assert.equal(r.fallbacks.length, 1, 'read afresh');
    assert.deepEqual(r.rows, ['vm-1=one', 'vm-2=two']);
    assert.equal(r.kept, false);
  });

  it('an answer without a version is refused (the next poll would start from nothing and keep VMs that left)', async () => {
    const r = await listing(BUILD, [update(leave('vm-2'), '')]);
    assert.equal(r.fallbacks.length, 1, 'read afresh');
    assert.equal(r.kept, false);
  });

  it('a leave then an enter of the same MoRef in one answer is applied in order', async () => {
    const r = await listing(BUILD, [update(leave('vm-2') + vmEnter('vm-2', 'two-again'), '<version>2</version>')]);
    assert.deepEqual(r.fallbacks, []);
    assert.deepEqual(r.rows, ['vm-1=one', 'vm-2=two-again']);
  });

  it('an enter then a leave of a kept MoRef in one answer reads afresh (no exact reading)', async () => {
    const r = await listing(BUILD, [update(vmEnter('vm-2', 'two-moved') + leave('vm-2'), '<version>2</version>')]);
    assert.equal(r.fallbacks.length, 1);
    assert.deepEqual(r.rows, ['vm-1=one', 'vm-2=two'], 'the full read: vm-2 is there');
  });

  it('a modify of an object never entered, and an unknown kind, read afresh', async () => {
    const modify = '<objectSet><kind>modify</kind><obj type="VirtualMachine">vm-9</obj><changeSet><name>name</name><op>assign</op><val xsi:type="xsd:string">x</val></changeSet></objectSet>';
    assert.equal((await listing(BUILD, [update(modify, '<version>2</version>')])).fallbacks.length, 1);
    const odd = '<objectSet><kind>wander</kind><obj type="VirtualMachine">vm-1</obj></objectSet>';
    assert.equal((await listing(BUILD, [update(odd, '<version>2</version>')])).fallbacks.length, 1);
  });

  it('Security: a name that is a data object (fields named toString and valueOf) counts as unset: the MoRef shows, nothing throws (D126)', async () => {
    const object = '<val xsi:type="Description"><toString>x</toString><valueOf>y</valueOf></val>';
    const folder = `<objectSet><kind>enter</kind><obj type="Folder">group-v9</obj><changeSet><name>name</name><op>assign</op>${object}</changeSet></objectSet>`;
    const vm = vmEnter('vm-3', 'three').replace('<val xsi:type="xsd:string">three</val>', object);
    const r = await listing(BUILD, [update(folder + vm, '<version>2</version>')]);
    assert.deepEqual(r.fallbacks, [], 'applied, not refused as a broken answer');
    assert.deepEqual(r.rows, ['vm-1=one', 'vm-2=two', 'vm-3=vm-3']);
  });

  it('Security: upstream names never become keys on a prototype (`__proto__` as a MoRef and as a path)', async () => {
    const proto = vmEnter('__proto__', 'proto') + '<objectSet><kind>modify</kind><obj type="VirtualMachine">vm-1</obj><changeSet><name>__proto__</name><op>assign</op><val xsi:type="xsd:string">x</val></changeSet></objectSet>';
    const r = await listing(BUILD, [update(proto, '<version>2</version>')]);
    assert.equal(r.fallbacks.length, 1, 'the path the filter did not ask for reads afresh');
    assert.equal(({} as Record<string, unknown>)['name'], undefined);
    const r2 = await listing(BUILD, [update(vmEnter('__proto__', 'proto'), '<version>2</version>')]);
    assert.deepEqual(r2.fallbacks, []);
    assert.deepEqual(r2.rows, ['__proto__=proto', 'vm-1=one', 'vm-2=two'], 'a MoRef value is only a Map key');
  });
});
