// The kept VM inventory (issue 17) against every kind of change vcsim can make between two
// listings (review R-review4): each kept listing must equal a full read taken right after it,
// every field vsphere_list_vms shows or filters on included (the folder filter's whole folder
// chain, not only the row's nearest folder). The changes come from an independent client
// (pyVmomi, test/support/vcsim_change.py).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createUpstreamDispatcher, isMoRef, VsphereClient, type ObjectContent } from '../../../../src/connectors/vsphere/index.js';
import { currentVmRows } from '../../../../src/mcp/vsphere/inventory/current-vm-rows.js';
import { InventoryIndex } from '../../../../src/mcp/vsphere/inventory/inventory-index.js';
import { KeptInventory } from '../../../../src/mcp/vsphere/inventory/kept-inventory.js';
import { collectVmRows, type VmRow } from '../../../../src/mcp/vsphere/inventory/vm-rows.js';
import { startVcsim, type Vcsim } from '../../../support/vcsim.js';
import { vcsimChange, vcsimChanges } from '../../../support/vcsim-change.js';
import { vcsimTokens, type VcsimTokens } from '../vcsim-tokens.js';

/** A row with the folder chain the folder filter matches against. */
type FullRow = VmRow & { readonly folders: readonly string[] };

describe('KeptInventory on vcsim, every kind of change between listings', () => {
  let vcsim: Vcsim;
  let tokens: VcsimTokens;
  let dispatcher: ReturnType<typeof createUpstreamDispatcher>;
  let client: VsphereClient;
  let kept: KeptInventory;
  const fallbacks: unknown[] = [];

  const digest = async () => createHash('sha256').update((await tokens.get('vc')).token).digest('base64url');
  const collecting = (out: FullRow[]) => (row: VmRow, o: ObjectContent, index: InventoryIndex) => {
    const parent = o.props['parent'];
    out.push({ ...row, folders: index.foldersOf(isMoRef(parent) ? parent : undefined) });
    return true;
  };
  const sorted = (rows: FullRow[]) => [...rows].sort((a, b) => (a.moref < b.moref ? -1 : a.moref > b.moref ? 1 : 0));
  const fullRead = async () => {
    const out: FullRow[] = [];
    await collectVmRows(client, InventoryIndex.load(client), collecting(out));
    return sorted(out);
  };
  /**
   * The kept listing equals a full read right after it, served by the collector (no fallback),
   * unless `fallback`: then it read afresh once, and the next listing is served by a new collector.
   */
  const assertKeptIsFresh = async (what: string, options: { fallback?: boolean } = {}): Promise<FullRow[]> => {
    if (options.fallback) {
      const out: FullRow[] = [];
      await currentVmRows(kept, collecting(out), (e) => fallbacks.push(e));
      assert.deepEqual(sorted(out), await fullRead(), `${what}: the listing equals a full read`);
      assert.equal(fallbacks.length, 1, `${what}: one fallback`);
      fallbacks.length = 0;
    }
    const before = await vcsim.counts();
    const out: FullRow[] = [];
    await currentVmRows(kept, collecting(out), (e) => fallbacks.push(e));
    const afterCounts = await vcsim.counts();
    const rows = sorted(out);
    assert.deepEqual(fallbacks, [], `${what}: no fallback`);
    assert.equal((afterCounts['RetrievePropertiesEx'] ?? 0) - (before['RetrievePropertiesEx'] ?? 0), 0, `${what}: no full read`);
    assert.deepEqual(rows, await fullRead(), `${what}: the kept listing equals a full read`);
    return rows;
  };
  const row = (rows: FullRow[], name: string) => rows.find((r) => r.name === name);

  before(async () => {
    vcsim = await startVcsim({ vms: 3, clusters: 1, hosts: 2, standalone: 1 });
    tokens = vcsimTokens(vcsim);
    dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
    client = new VsphereClient({
      url: vcsim.url,
      dispatcher,
      session: { token: async () => (await tokens.get('vc')).token, renew: async (stale) => (await tokens.renew('vc', stale)).token },
    });
    kept = new KeptInventory(client, { session: digest });
    await assertKeptIsFresh('the build');
  });
  after(async () => {
    await kept?.dispose();
    await dispatcher?.close();
    await tokens?.close();
    await vcsim?.stop();
  });

  it('a VM migrated to another host of its cluster, and one from the standalone host into the cluster', async () => {
    await vcsimChange(vcsim, 'migrate', 'DC0_C0_RP0_VM0', 'DC0_C0_H1');
    await vcsimChange(vcsim, 'migrate', 'DC0_H0_VM1', 'DC0_C0_H0');
    const rows = await assertKeptIsFresh('migrate');
    assert.equal(row(rows, 'DC0_C0_RP0_VM0')?.host, 'DC0_C0_H1');
    assert.equal(row(rows, 'DC0_H0_VM1')?.cluster, 'DC0_C0');
  });

  it('a folder created and a VM moved into it', async () => {
    // vcsim reports a move as the VM entering, then leaving (in that order): no exact reading,
    // so the listing reads afresh (before the fix it dropped the VM, still there, from the list).
    await vcsimChanges(vcsim, ['mkfolder', 'vm', 'review-sub'], ['move', 'VirtualMachine', 'DC0_H0_VM2', 'review-sub']);
    const rows = await assertKeptIsFresh('move into a folder', { fallback: true });
    assert.equal(row(rows, 'DC0_H0_VM2')?.folder, 'review-sub');
  });

  it('a folder moved into another folder (the VM\'s folder chain changes, its nearest folder not)', async () => {
    await vcsimChanges(vcsim, ['mkfolder', 'vm', 'review-outer'], ['move', 'Folder', 'review-sub', 'review-outer']);
    const rows = await assertKeptIsFresh('move a folder', { fallback: true });
    assert.deepEqual(row(rows, 'DC0_H0_VM2')?.folders, ['review-sub', 'review-outer', 'vm']);
  });

  // vcsim cannot rename a host (Rename_Task faults); a cluster's rename is in kept-inventory.test.ts.
  it('a datacenter renamed', async () => {
    await vcsimChange(vcsim, 'rename', 'Datacenter', 'DC0', 'review-dc');
    const rows = await assertKeptIsFresh('rename a datacenter');
    assert.ok(rows.every((r) => r.datacenter === 'review-dc'), 'every row names the renamed datacenter');
  });

  it('a VM cloned', async () => {
    await vcsimChange(vcsim, 'clone', 'DC0_H0_VM0', 'review-clone');
    const rows = await assertKeptIsFresh('clone');
    assert.ok(row(rows, 'review-clone'), 'the clone is listed');
  });

  it('a VM suspended', async () => {
    await vcsimChange(vcsim, 'suspend', 'DC0_C0_RP0_VM1');
    assert.equal(row(await assertKeptIsFresh('suspend'), 'DC0_C0_RP0_VM1')?.powerState, 'suspended');
  });

  it('several changes to one VM in one poll: created, renamed, powered on, suspended, on again and off', async () => {
    await vcsimChanges(
      vcsim,
      ['create', 'review-many'],
      ['rename', 'VirtualMachine', 'review-many', 'review-many2'],
      ['poweron', 'review-many2'],
      ['suspend', 'review-many2'],
      ['poweron', 'review-many2'],
      ['poweroff', 'review-many2'],
    );
    const rows = await assertKeptIsFresh('many changes');
    assert.equal(row(rows, 'review-many2')?.powerState, 'poweredOff');
  });

  it('a VM created and destroyed in one poll, and one destroyed then created again under its name', async () => {
    await vcsimChanges(vcsim, ['create', 'review-brief'], ['destroy', 'review-brief'], ['destroy', 'review-clone'], ['create', 'review-clone']);
    const rows = await assertKeptIsFresh('create and destroy');
    assert.equal(row(rows, 'review-brief'), undefined);
    assert.equal(rows.filter((r) => r.name === 'review-clone').length, 1);
  });

  it('a VM moved back to the top folder, and the folders it left renamed', async () => {
    await vcsimChanges(vcsim, ['move', 'VirtualMachine', 'DC0_H0_VM2', 'vm'], ['rename', 'Folder', 'review-outer', 'review-outer2']);
    const rows = await assertKeptIsFresh('move back', { fallback: true });
    assert.equal(row(rows, 'DC0_H0_VM2')?.folder, 'vm');
  });

  // vcsim 0.24.2 changes a reconfigured VM's fields in place (VirtualMachine.configure, no
  // Map.Update), so no PropertyCollector of its hears of it; vCenter's does. Kept as a todo, and last
  // (the kept inventory stays behind after it).
  it('a VM reconfigured (CPUs, memory)', { todo: 'vcsim 0.24.2 does not report a reconfigure to a PropertyCollector' }, async () => {
    await vcsimChange(vcsim, 'reconfigure', 'DC0_H0_VM0', '4', '256');
    const rows = await assertKeptIsFresh('reconfigure');
    assert.equal(row(rows, 'DC0_H0_VM0')?.numCpu, 4);
    assert.equal(row(rows, 'DC0_H0_VM0')?.memoryMB, 256);
  });

  // vcsim 0.24.2 puts a host added to a cluster in its registry before the cluster lists it
  // (addHost: Map.PutEntity, then cr.Host = append), so a ContainerView made before never
  // takes it in and its collector never reports it; vCenter's view does. A todo, and last.
  it('a host added to a cluster, and a VM migrated onto it', { todo: 'vcsim 0.24.2 never adds a new host to an existing ContainerView' }, async () => {
    await vcsimChanges(vcsim, ['addhost', 'DC0_C0', 'review-new-host'], ['migrate', 'DC0_H0_VM1', 'review-new-host']);
    const rows = await assertKeptIsFresh('add a host');
    assert.equal(row(rows, 'DC0_H0_VM1')?.host, 'review-new-host');
    assert.equal(row(rows, 'DC0_H0_VM1')?.cluster, 'DC0_C0');
  });
});
