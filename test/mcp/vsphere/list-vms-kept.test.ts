// vsphere_list_vms through the server with its kept inventory (issue 17): the first listing
// builds it, a later first page only asks for the changes, and stopping the server destroys
// its PropertyCollector on vCenter.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startVcsim, type Vcsim } from '../../support/vcsim.js';
import { vcsimChange } from '../../support/vcsim-change.js';
import { until } from '../../support/wait.js';
import { connectVsphereServer, type ConnectedServer } from './connect-vsphere-server.js';
import { vcsimTokens, type VcsimTokens } from './vcsim-tokens.js';

type Page = { vms: { name: string; moref: string; powerState: string }[]; total: number; nextCursor?: string };

describe('vsphere_list_vms with the kept inventory', () => {
  let vcsim: Vcsim;
  let tokens: VcsimTokens;
  let s: ConnectedServer | undefined;
  const logged: string[] = [];
  const delta = async (run: () => Promise<unknown>) => {
    const before = await vcsim.counts();
    await run();
    const after = await vcsim.counts();
    return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, n]) => n !== 0)) as Record<string, number>;
  };

  before(async () => {
    vcsim = await startVcsim({ vms: 3, clusters: 1, hosts: 2, standalone: 1 });
    tokens = vcsimTokens(vcsim);
    s = await connectVsphereServer({ tokens, defaultEndpoint: 'vc', log: (line) => logged.push(line) });
  });
  after(async () => {
    await s?.close();
    await tokens?.close();
    await vcsim?.stop();
  });

  it('builds the kept inventory on the first listing, then answers first pages from one WaitForUpdatesEx', async () => {
    let first: Page | undefined;
    const built = await delta(async () => (first = (await s!.ok('vsphere_list_vms', { limit: 2 })) as Page));
    assert.equal(built['CreatePropertyCollector'], 1);
    assert.equal(built['RetrievePropertiesEx'], undefined);
    assert.equal(first!.vms.length, 2);
    // The cursor's later page comes from the snapshot: no call to vCenter at all.
    const later = await delta(() => s!.ok('vsphere_list_vms', { limit: 2, cursor: first!.nextCursor }));
    assert.deepEqual(later, {});
    const { moref } = await vcsimChange(vcsim, 'create', 'kept-listed');
    let again: Page | undefined;
    const updated = await delta(async () => (again = (await s!.ok('vsphere_list_vms', { name: 'kept-*' })) as Page));
    assert.deepEqual(updated, { WaitForUpdatesEx: 1 });
    assert.deepEqual(again!.vms.map((v) => [v.name, v.moref]), [['kept-listed', moref]]);
    assert.equal(again!.total, 1);
    assert.deepEqual(logged, [], 'no fallback was logged');
  });

  it('keeps a walk\'s pages on its first page\'s snapshot while the kept inventory moves on', async () => {
    const first = (await s!.ok('vsphere_list_vms', { limit: 3 })) as Page;
    const { moref } = await vcsimChange(vcsim, 'create', 'aaa-during-walk');
    const names = first.vms.map((v) => v.name);
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (await s!.ok('vsphere_list_vms', { limit: 3, cursor })) as Page;
      assert.equal(page.total, first.total, 'the total is stable within the walk');
      names.push(...page.vms.map((v) => v.name));
      cursor = page.nextCursor;
    }
    assert.equal(names.length, first.total, 'no gaps');
    assert.equal(new Set(names).size, names.length, 'no duplicates');
    assert.ok(!names.includes('aaa-during-walk'), 'the walk shows vCenter as of its first page');
    const next = (await s!.ok('vsphere_list_vms', { limit: 500 })) as Page;
    assert.equal(next.total, first.total + 1);
    assert.equal(next.vms.find((v) => v.moref === moref)?.name, 'aaa-during-walk', 'the next first page shows the change');
  });

  it('drops the kept inventory (destroying its collector) when the broker revokes the session', async () => {
    const destroyed = (await vcsim.counts())['DestroyPropertyCollector'] ?? 0;
    tokens.revoke('vc');
    await until('the collector destroyed', async () => ((await vcsim.counts())['DestroyPropertyCollector'] ?? 0) > destroyed);
    const rebuilt = await delta(() => s!.ok('vsphere_list_vms', {}));
    assert.equal(rebuilt['CreatePropertyCollector'], 1, 'the next listing builds a new one');
  });

  it('destroys its PropertyCollector when the server stops', async () => {
    const stopped = await delta(async () => {
      await s!.close();
      s = undefined;
    });
    assert.equal(stopped['DestroyPropertyCollector'], 1);
    assert.equal(stopped['DestroyView'], 1);
  });
});
