// Edges of what the vSphere plans read (vcsim) that the `vsphere-plans` mutation run showed
// untested (the main cases are in plan-reads.test.ts): a migration to a pool or a datastore
// alone, a named pool beside a host in another compute resource, a host's VMs in name order
// whatever vCenter's order, and a target whose name cannot be read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { xmlElement, type ManagedObjectRef, type VsphereClient } from '../../../../src/connectors/vsphere/index.js';
import { createVsphereClients } from '../../../../src/mcp/vsphere/endpoint-clients.js';
import { readHostMaintenance } from '../../../../src/mcp/vsphere/plan/maintenance-plan.js';
import { readMigrate } from '../../../../src/mcp/vsphere/plan/migrate-plan.js';
import { readClone } from '../../../../src/mcp/vsphere/plan/clone-plan.js';
import { targetOf } from '../../../../src/mcp/vsphere/plan/write-targets.js';
import { startVcsim, type Vcsim } from '../../../support/vcsim.js';
import { adminSession, type AdminSession } from '../admin-session.js';
import { vcsimTokens, type VcsimTokens } from '../vcsim-tokens.js';

describe('what the vSphere plans read: edges (vcsim)', () => {
  let vcsim: Vcsim;
  let admin: AdminSession;
  let tokens: VcsimTokens;
  let clients: ReturnType<typeof createVsphereClients>;
  let client: VsphereClient;
  const rootPoolOf = async (host: string) => {
    const parent = (await admin.props('HostSystem', host, ['parent']))['parent'] as ManagedObjectRef;
    const [cr] = await admin.client.retrieveObjects([parent], ['resourcePool']);
    return (cr?.props['resourcePool'] as ManagedObjectRef).value;
  };

  before(async () => {
    vcsim = await startVcsim({ vms: 2, clusters: 1, hosts: 2, standalone: 1 });
    admin = await adminSession(vcsim);
    tokens = vcsimTokens(vcsim);
    clients = createVsphereClients({ tokens });
    client = await clients.forEndpoint('vc', undefined);
  });
  after(async () => {
    await clients?.dispose();
    await tokens?.close();
    await admin?.close();
    await vcsim?.stop();
  });

  it('a migration to a pool alone, or to a datastore alone, is planned', async () => {
    const pool = await readMigrate(client, { vm: 'DC0_H0_VM0', pool: await rootPoolOf('DC0_C0_H0') });
    assert.deepEqual([pool.toHost, pool.toPool?.ref.value, pool.toDatastore], [undefined, await rootPoolOf('DC0_C0_H0'), undefined]);
    const ds = await readMigrate(client, { vm: 'DC0_H0_VM0', datastore: 'LocalDS_0' });
    assert.deepEqual([ds.toHost, ds.toPool, ds.toDatastore?.name], [undefined, undefined, 'LocalDS_0']);
  });

  it('a target that does not exist is refused by its kind and name', async () => {
    const refused = (args: { host?: string; pool?: string; datastore?: string }, message: RegExp) => assert.rejects(readMigrate(client, { vm: 'DC0_H0_VM0', ...args }), (e: Error) => e.name === 'VsphereToolError' && message.test(e.message));
    await refused({ host: 'no-such-host' }, /^no host named "no-such-host"; /);
    await refused({ pool: 'no-such-pool' }, /^no resource pool named "no-such-pool"; /);
    await refused({ datastore: 'no-such-ds' }, /^no datastore named "no-such-ds"; /);
    await assert.rejects(readHostMaintenance(client, 'no-such-host'), (e: Error) => e.name === 'VsphereToolError' && /^no host named "no-such-host"; /.test(e.message));
  });

  it('a clone: an unknown target is refused by its kind and name; a named datastore and a derived pool keep their roles', async () => {
    const clone = (extra: Record<string, string>) => readClone(client, { vm: 'DC0_H0_VM0', name: 'x', powerOn: false, ...extra });
    const refused = (extra: Record<string, string>, message: RegExp) => assert.rejects(clone(extra), (e: Error) => e.name === 'VsphereToolError' && message.test(e.message));
    await refused({ folder: 'no-such-folder' }, /^no folder named "no-such-folder"; /);
    await refused({ datastore: 'no-such-ds' }, /^no datastore named "no-such-ds"; /);
    await refused({ host: 'no-such-host' }, /^no host named "no-such-host"; /);
    await refused({ pool: 'no-such-pool' }, /^no resource pool named "no-such-pool"; /);
    await admin.createDatastore('DC0_H0', 'ds-other');
    const named = await clone({ datastore: 'ds-other' });
    assert.deepEqual([named.datastore.name, named.datastore.kind, named.datastore.role], ['ds-other', 'datastore', 'datastore ds-other']);
    const derived = await clone({ host: 'DC0_C0_H0' });
    assert.deepEqual([derived.pool.kind, derived.pool.role], ['resource pool', 'resource pool Resources']);
  });

  it("a named pool stays the target beside a host in another compute resource (not that resource's root pool)", async () => {
    const named = await rootPoolOf('DC0_H0');
    const s = await readMigrate(client, { vm: 'DC0_C0_RP0_VM0', host: 'DC0_H0', pool: named });
    assert.deepEqual([s.toHost?.name, s.toPool?.ref.value, s.toPool?.role], ['DC0_H0', named, 'target pool Resources']);
    const other = await readMigrate(client, { vm: 'DC0_H0_VM0', host: 'DC0_C0_H0', pool: named });
    assert.equal(other.toPool?.ref.value, named);
  });

  it("a host's VMs are listed by name, whatever order vCenter keeps them in", async () => {
    const before = (await readHostMaintenance(client, 'DC0_H0')).vms.map((v) => v.name);
    assert.deepEqual(before, ['DC0_H0_VM0', 'DC0_H0_VM1']);
    await admin.task('VirtualMachine', 'DC0_H0_VM1', 'Rename_Task', xmlElement('newName', 'A-renamed'));
    assert.deepEqual((await readHostMaintenance(client, 'DC0_H0')).vms.map((v) => v.name), ['A-renamed', 'DC0_H0_VM0']);
  });

  it('a target whose name cannot be read is named by its id', async () => {
    assert.deepEqual(await targetOf(client, { type: 'ResourcePool', value: 'resgroup-999999' }, 'pool'), { ref: { type: 'ResourcePool', value: 'resgroup-999999' }, name: 'resgroup-999999', kind: 'pool', role: 'pool resgroup-999999' });
    assert.equal(await targetOf(client, 'resgroup-1' as never, 'pool'), undefined);
    assert.equal(await targetOf(client, undefined, 'pool'), undefined);
  });
});
