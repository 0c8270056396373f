// The kept VM inventory (issue 17): brought up to date through a PropertyCollector of its own
// between listings, it must show exactly what a full read shows at that moment. Real vcsim;
// the changes are made by an independent client (pyVmomi, test/support/vcsim_change.py).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { childElement, createUpstreamDispatcher, VsphereClient, type InvokeOptions, type ManagedObjectRef } from '../../../../src/connectors/vsphere/index.js';
import { parseMoRef } from '../../../../src/connectors/vsphere/soap/managed-object-ref.js';
import { currentVmRows } from '../../../../src/mcp/vsphere/inventory/current-vm-rows.js';
import { InventoryIndex } from '../../../../src/mcp/vsphere/inventory/inventory-index.js';
import { applyChange, KeptInventory } from '../../../../src/mcp/vsphere/inventory/kept-inventory.js';
import { collectVmRows, type VmRow } from '../../../../src/mcp/vsphere/inventory/vm-rows.js';
import { startVcsim, type Vcsim } from '../../../support/vcsim.js';
import { vcsimChange } from '../../../support/vcsim-change.js';
import { until } from '../../../support/wait.js';
import { fullGc } from '../../../support/full-gc.js';
import { TokenDeniedError } from '../../../../src/mcp/runtime/token-client.js';
import { vcsimTokens, type VcsimTokens } from '../vcsim-tokens.js';

/** The real client, noting each collector it creates (so a test can destroy one behind the inventory's back). */
class CollectorNotingClient extends VsphereClient {
  readonly collectors: ManagedObjectRef[] = [];
  /** Sends the next CreatePropertyCollector to a method vcsim does not have (a real fault, MethodNotFound). */
  breakNextCollector = false;
  /** Called as a CreatePropertyCollector is sent: a build has begun. */
  onCreateCollector: (() => void) | undefined;

  override async invoke(method: string, thisRef: ManagedObjectRef, paramsXml = '', options: InvokeOptions = {}) {
    if (method === 'CreatePropertyCollector') this.onCreateCollector?.();
    if (method === 'CreatePropertyCollector' && this.breakNextCollector) {
      this.breakNextCollector = false;
      return super.invoke('CreatePropertyCollectorNotHere', thisRef, paramsXml, options);
    }
    const response = await super.invoke(method, thisRef, paramsXml, options);
    if (method === 'CreatePropertyCollector') this.collectors.push(parseMoRef(childElement(response, 'returnval'))!);
    return response;
  }
}

const byMoref = (rows: VmRow[]) => [...rows].sort((a, b) => (a.moref < b.moref ? -1 : a.moref > b.moref ? 1 : 0));

describe('KeptInventory on vcsim', () => {
  let vcsim: Vcsim;
  let tokens: VcsimTokens;
  let dispatcher: ReturnType<typeof createUpstreamDispatcher>;
  let client: CollectorNotingClient;
  let kept: KeptInventory;
  const fallbacks: unknown[] = [];

  const digest = async () => createHash('sha256').update((await tokens.get('vc')).token).digest('base64url');
  const fullRead = async () => byMoref(await collectVmRows(client, InventoryIndex.load(client), () => true));
  /** The kept listing, with the SOAP calls it made. */
  const keptRead = async () => {
    const before = await vcsim.counts();
    const rows = byMoref(await currentVmRows(kept, () => true, (e) => fallbacks.push(e)));
    const after = await vcsim.counts();
    const calls = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, n]) => n !== 0));
    return { rows, calls };
  };
  /** The kept listing equals a full read taken right after it, and was served by the collector. */
  const assertKeptIsFresh = async () => {
    const { rows, calls } = await keptRead();
    assert.deepEqual(rows, await fullRead(), 'the kept listing equals a full read');
    assert.deepEqual(fallbacks, [], 'no fallback');
    assert.equal(calls['RetrievePropertiesEx'], undefined, 'no full read');
    assert.equal(calls['WaitForUpdatesEx'], 1, 'one WaitForUpdatesEx');
    return rows;
  };

  before(async () => {
    vcsim = await startVcsim({ vms: 3, clusters: 1, hosts: 2, standalone: 1 });
    tokens = vcsimTokens(vcsim);
    dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
    client = new CollectorNotingClient({
      url: vcsim.url,
      dispatcher,
      session: { token: async () => (await tokens.get('vc')).token, renew: async (stale) => (await tokens.renew('vc', stale)).token },
    });
    kept = new KeptInventory(client, { session: digest });
  });
  after(async () => {
    await kept?.dispose();
    await dispatcher?.close();
    await tokens?.close();
    await vcsim?.stop();
  });

  it('builds from the collector on the first call, equal to a full read', async () => {
    const before = await vcsim.counts();
    const rows = byMoref(await currentVmRows(kept, () => true, (e) => fallbacks.push(e)));
    const after = await vcsim.counts();
    assert.deepEqual(rows, await fullRead());
    assert.ok(rows.length >= 6, 'at least the six VMs of vcsim are read');
    assert.equal(after['CreatePropertyCollector']! - (before['CreatePropertyCollector'] ?? 0), 1);
    assert.equal(after['RetrievePropertiesEx'] ?? 0, before['RetrievePropertiesEx'] ?? 0, 'the first call reads through the collector, not a full read');
    assert.deepEqual(fallbacks, []);
  });

  it('with nothing changed, the next call costs one WaitForUpdatesEx and gives the same rows', async () => {
    const before = await fullRead();
    assert.deepEqual(await assertKeptIsFresh(), before);
  });

  it('serves calls that arrive before the queued poll starts with that one poll', async () => {
    const before = await vcsim.counts();
    const views = await Promise.all([kept.current(), kept.current(), kept.current()]);
    const after = await vcsim.counts();
    assert.equal(after['WaitForUpdatesEx']! - (before['WaitForUpdatesEx'] ?? 0), 1);
    assert.equal(views[1], views[0]);
    assert.equal(views[2], views[0]);
  });

  it('shows a VM created between calls', async () => {
    const { moref } = await vcsimChange(vcsim, 'create', 'kept-new');
    const row = (await assertKeptIsFresh()).find((r) => r.moref === moref);
    assert.equal(row?.name, 'kept-new');
    assert.equal(row?.powerState, 'poweredOff');
    assert.equal(row?.numCpu, 2);
  });

  it('shows a VM renamed between calls', async () => {
    const { moref } = await vcsimChange(vcsim, 'rename', 'VirtualMachine', 'kept-new', 'kept-renamed');
    const rows = await assertKeptIsFresh();
    assert.equal(rows.find((r) => r.moref === moref)?.name, 'kept-renamed');
    assert.ok(!rows.some((r) => r.name === 'kept-new'), 'the old name is gone');
  });

  it('shows a VM powered on between calls', async () => {
    const { moref } = await vcsimChange(vcsim, 'poweron', 'kept-renamed');
    assert.equal((await assertKeptIsFresh()).find((r) => r.moref === moref)?.powerState, 'poweredOn');
  });

  it('shows a cluster and a folder renamed between calls in their VMs\' rows (the index is kept too)', async () => {
    await vcsimChange(vcsim, 'rename', 'ClusterComputeResource', 'DC0_C0', 'kept-cluster');
    await vcsimChange(vcsim, 'rename', 'Folder', 'vm', 'kept-folder');
    const rows = await assertKeptIsFresh();
    assert.ok(rows.some((r) => r.cluster === 'kept-cluster'), 'the renamed cluster is listed');
    assert.ok(!rows.some((r) => r.cluster === 'DC0_C0'), 'the cluster\'s old name is gone');
    assert.ok(rows.every((r) => r.folder === 'kept-folder'), 'every row names the renamed folder');
  });

  it('drops a VM destroyed between calls', async () => {
    await vcsimChange(vcsim, 'poweroff', 'kept-renamed');
    const { moref } = await vcsimChange(vcsim, 'destroy', 'kept-renamed');
    const rows = await assertKeptIsFresh();
    assert.ok(!rows.some((r) => r.moref === moref), 'the destroyed VM is gone');
  });

  it('never changes rows a caller already holds (rows are replaced, not mutated)', async () => {
    const held = await assertKeptIsFresh();
    const copy = structuredClone(held);
    const heldObjects = (await kept.current()).vms;
    const objectsCopy = structuredClone(heldObjects);
    const target = held.find((r) => r.powerState === 'poweredOn')!;
    await vcsimChange(vcsim, 'rename', 'VirtualMachine', target.name, `${target.name}-moved`);
    const now = await assertKeptIsFresh();
    assert.equal(now.find((r) => r.moref === target.moref)?.name, `${target.name}-moved`);
    assert.deepEqual(held, copy, 'the earlier rows are unchanged');
    assert.deepEqual(heldObjects, objectsCopy, 'the earlier objects are unchanged');
  });

  it('falls back to a full read when the collector faults, and builds a new one on the next call', async () => {
    // A real fault: the collector destroyed behind the inventory's back (ManagedObjectNotFound).
    await client.invoke('DestroyPropertyCollector', client.collectors.at(-1)!);
    const { rows, calls } = await keptRead();
    assert.deepEqual(rows, await fullRead());
    assert.equal(fallbacks.length, 1, 'one fallback');
    assert.ok(calls['RetrievePropertiesEx']! >= 1, 'a full read');
    assert.equal(kept.kept, false, 'the kept inventory was dropped');
    fallbacks.length = 0;
    const made = client.collectors.length;
    const next = byMoref(await currentVmRows(kept, () => true, (e) => fallbacks.push(e)));
    assert.deepEqual(next, await fullRead());
    assert.equal(client.collectors.length, made + 1, 'a new collector');
    assert.deepEqual(fallbacks, []);
  });

  it('falls back when the session ends between calls (the collector died with it), on the renewed session', async () => {
    const renewalsBefore = tokens.renewals.length;
    const { ended } = await vcsimChange(vcsim, 'terminate');
    assert.ok(ended! >= 1, 'vcsim ended at least one session');
    const { rows } = await keptRead();
    assert.ok(tokens.renewals.length > renewalsBefore, 'the session was renewed');
    assert.equal(fallbacks.length, 1, 'the old collector faulted: one fallback');
    assert.deepEqual(rows, await fullRead());
    fallbacks.length = 0;
    // The call after a fallback builds a new inventory on the new session; the next is incremental.
    await assertKeptIsFresh();
    await assertKeptIsFresh();
  });

  it('drops the inventory before use when the session changed (a renewed token), without a fallback', async () => {
    await assertKeptIsFresh();
    const made = client.collectors.length;
    await tokens.renew('vc', (await tokens.get('vc')).token);
    const rows = byMoref(await currentVmRows(kept, () => true, (e) => fallbacks.push(e)));
    assert.deepEqual(rows, await fullRead());
    assert.deepEqual(fallbacks, []);
    assert.equal(client.collectors.length, made + 1, 'a new collector for the new session');
  });

  it('a replaced inventory is unreachable before its successor is built (the child never holds two at once)', async () => {
    await assertKeptIsFresh();
    // Weak references to the kept objects, taken in a job of their own (a WeakRef keeps its
    // target until the job that made it ends): a VM, the index.
    const old = await (async () => {
      const view = await kept.current();
      return [new WeakRef(view.vms[0]!), new WeakRef(view.index)];
    })();
    let collectedAtBuild: boolean[] | undefined;
    client.onCreateCollector = () => {
      fullGc();
      collectedAtBuild = old.map((ref) => ref.deref() === undefined);
    };
    try {
      // A renewed session: the same call drops the kept inventory and builds the next.
      await tokens.renew('vc', (await tokens.get('vc')).token);
      assert.deepEqual(byMoref(await currentVmRows(kept, () => true, (e) => fallbacks.push(e))), await fullRead());
    } finally {
      client.onCreateCollector = undefined;
    }
    assert.deepEqual(fallbacks, []);
    assert.deepEqual(collectedAtBuild, [true, true], 'the old VM objects and index were collected when the new build began');
  });

  it('after a failed build, reads afresh without trying the collector for a minute, then tries again', async () => {
    let now = 1_000_000;
    const paused = new KeptInventory(client, { session: digest, now: () => now });
    const logged: unknown[] = [];
    try {
      client.breakNextCollector = true;
      assert.deepEqual(byMoref(await currentVmRows(paused, () => true, (e) => logged.push(e))), await fullRead());
      assert.equal(logged.length, 1, 'the failed build is logged');
      const made = client.collectors.length;
      const before = await vcsim.counts();
      now += 59_000;
      assert.deepEqual(byMoref(await currentVmRows(paused, () => true, (e) => logged.push(e))), await fullRead());
      assert.equal((await vcsim.counts())['CreatePropertyCollector'] ?? 0, before['CreatePropertyCollector'] ?? 0, 'no collector tried during the pause');
      assert.equal(logged.length, 1, 'the pause is not logged again');
      now += 2_000;
      assert.deepEqual(byMoref(await currentVmRows(paused, () => true, (e) => logged.push(e))), await fullRead());
      assert.equal(client.collectors.length, made + 1, 'built after the pause');
      assert.equal(paused.kept, true);
    } finally {
      await paused.dispose();
    }
  });

  it('does not read afresh when the broker refuses the session (the user would be asked twice)', async () => {
    const denied = new KeptInventory(client, { session: async () => { throw new TokenDeniedError('denied', 'the user denied the unlock'); } });
    const before = await vcsim.counts();
    const logged: unknown[] = [];
    await assert.rejects(currentVmRows(denied, () => true, (e) => logged.push(e)), TokenDeniedError);
    assert.equal((await vcsim.counts())['RetrievePropertiesEx'] ?? 0, before['RetrievePropertiesEx'] ?? 0, 'no full read');
    assert.deepEqual(logged, []);
    await denied.dispose();
  });

  it('drops the inventory and destroys its collector after the idle period', async () => {
    const idle = new KeptInventory(client, { session: digest, idleMs: 50 });
    try {
      await idle.current();
      assert.equal(idle.kept, true);
      const destroyed = (await vcsim.counts())['DestroyPropertyCollector'] ?? 0;
      await until('the idle drop', async () => !idle.kept && ((await vcsim.counts())['DestroyPropertyCollector'] ?? 0) > destroyed);
    } finally {
      await idle.dispose();
    }
  });
});

describe('applyChange()', () => {
  it('Security: refuses a change to a path the filter did not ask for, so no upstream-chosen key reaches a row', () => {
    const props = {};
    const paths = new Set(['name']);
    assert.throws(() => applyChange(props, { name: '__proto__', op: 'assign', val: { polluted: 'yes' } }, paths), /did not ask for/);
    assert.equal(Object.getPrototypeOf(props), Object.prototype);
    assert.equal((props as Record<string, unknown>)['polluted'], undefined);
    assert.throws(() => applyChange(props, { name: 'config.extraConfig', op: 'assign', val: 'x' }, paths), /did not ask for/);
    assert.deepEqual(Object.keys(props), []);
  });

  it('assigns, unsets and removes a leaf, and refuses an add (array elements only)', () => {
    const props: Record<string, unknown> = {};
    const paths = new Set(['name', 'guest.ipAddress']);
    applyChange(props as never, { name: 'name', op: 'assign', val: 'a' }, paths);
    applyChange(props as never, { name: 'guest.ipAddress', op: 'assign', val: '10.0.0.1' }, paths);
    assert.deepEqual(props, { name: 'a', 'guest.ipAddress': '10.0.0.1' });
    applyChange(props as never, { name: 'guest.ipAddress', op: 'assign' }, paths);
    applyChange(props as never, { name: 'name', op: 'remove' }, paths);
    assert.deepEqual(props, {});
    assert.throws(() => applyChange(props as never, { name: 'name', op: 'add', val: 'b' }, paths), 'an add to a property that is not a list throws');
  });
});

describe('KeptInventory.dispose() against a vCenter that does not answer', () => {
  it('does not wait for the collector\'s destruction beyond its budget (the child\'s stop is never held up)', { timeout: 60_000 }, async () => {
    // vcsim holds every Destroy* for 10 minutes: an unbounded dispose would hang the test.
    const vcsim = await startVcsim({ vms: 1, clusters: 1, hosts: 1, standalone: 0, delays: { DestroyPropertyCollector: 600_000, DestroyView: 600_000 } });
    const tokens = vcsimTokens(vcsim);
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
    try {
      const client = new VsphereClient({ url: vcsim.url, dispatcher, session: { token: async () => (await tokens.get('vc')).token, renew: async (stale) => (await tokens.renew('vc', stale)).token } });
      const kept = new KeptInventory(client, { session: async () => 'one session' });
      await kept.current();
      await kept.dispose();
      assert.equal(kept.kept, false);
      assert.equal((await vcsim.counts())['DestroyPropertyCollector'], 1, 'the destruction was asked for');
    } finally {
      // The held requests would keep a graceful close waiting: destroy the pool.
      await dispatcher.destroy();
      await tokens.close();
      await vcsim.stop();
    }
  });
});
