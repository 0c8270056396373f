// The vSphere server's plan step (issue 11) over a real SDK Client and InMemoryTransport
// against vcsim: what each write's plan says, the guards that refuse before anyone is asked,
// and the precondition re-check of an approved call.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PLAN_METHOD, PlanResult, type ChildPlan } from '../../../src/base/contracts/plan-protocol.js';
import { useVcsimServer } from './use-vcsim-server.js';

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('vSphere plan step against vcsim', () => {
  const ctx = useVcsimServer({ vms: 2, clusters: 0, hosts: 1, standalone: 1 });
  const plan = (name: string, args: Record<string, unknown>) => ctx.s.client.request({ method: PLAN_METHOD, params: { name, arguments: args } } as never, PlanResult);
  const okPlan = async (name: string, args: Record<string, unknown>): Promise<ChildPlan> => {
    const r = await plan(name, args);
    if (!r.ok) assert.fail(r.error);
    return r.plan;
  };
  const approvedCall = (name: string, args: Record<string, unknown>, p: ChildPlan) =>
    ctx.s.client.callTool({ name, arguments: args, _meta: { 'keybroker/approved': { planHash: p.hash, precondition: p.precondition } } }) as Promise<CallToolResult>;

  it('plans a power-off from the live VM and changes nothing', async () => {
    const before = await ctx.vcsim.counts();
    const p = await okPlan('vsphere_power', { vm: 'DC0_H0_VM0', action: 'off' });
    assert.match(p.summary, /^Power off VM DC0_H0_VM0 \(now poweredOn, \d+ vCPU, on DC0_H0, .*0 snapshots\)$/);
    assert.deepEqual(p.changes, [{ object: p.objects[0], field: 'power state', before: 'poweredOn', after: 'poweredOff' }]);
    assert.equal(p.precondition[0]!.values['runtime.powerState'], 'poweredOn');
    assert.ok('config.changeVersion' in p.precondition[0]!.values, 'the precondition pins the VM\'s config.changeVersion');
    const after = await ctx.vcsim.counts();
    assert.equal(after['PowerOffVM_Task'] ?? 0, before['PowerOffVM_Task'] ?? 0);
  });

  it('refuses power actions that cannot apply, before anyone is asked', async () => {
    const on = await plan('vsphere_power', { vm: 'DC0_H0_VM0', action: 'on' });
    assert.ok(!on.ok && on.error === 'VSPHERE_TOOL_INVALID: VM DC0_H0_VM0 is already poweredOn; nothing to do', 'powering on a VM that is on is refused as nothing to do');
    const bad = await plan('vsphere_power', { vm: 'DC0_H0_VM0', action: 'of' });
    assert.ok(!bad.ok && /^Input validation error: Invalid arguments for tool vsphere_power: .* at action$/s.test(bad.error), JSON.stringify(bad));
  });

  it('an approved call whose VM was powered off meanwhile refuses, saying so', async () => {
    const args = { vm: 'DC0_H0_VM1', action: 'off' };
    const p = await okPlan('vsphere_power', args);
    assert.notEqual((await ctx.s.call('vsphere_power', args)).isError, true); // someone else, without a plan
    const count = (await ctx.vcsim.counts())['PowerOffVM_Task'];
    const r = await approvedCall('vsphere_power', args, p);
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^VM DC0_H0_VM1 changed since you approved: it was powered off by someone else \(power state poweredOn → poweredOff\)\. Nothing was run/);
    assert.equal((await ctx.vcsim.counts())['PowerOffVM_Task'], count);
    const reset = await plan('vsphere_power', { vm: 'DC0_H0_VM1', action: 'reset' });
    assert.ok(!reset.ok && /cannot reset VM DC0_H0_VM1: it is poweredOff/.test(reset.error), 'resetting a VM that is off is refused');
    await ctx.s.ok('vsphere_power', { vm: 'DC0_H0_VM1', action: 'on' });
  });

  it('snapshot plans: create names the snapshot, revert and delete say what is lost; a new snapshot meanwhile voids the approval', async () => {
    const create = await okPlan('vsphere_snapshot_create', { vm: 'DC0_H0_VM0', name: 'pre-patch' });
    assert.match(create.summary, /^Take snapshot 'pre-patch' of VM DC0_H0_VM0 \(now poweredOn/);
    assert.notEqual((await approvedCall('vsphere_snapshot_create', { vm: 'DC0_H0_VM0', name: 'pre-patch' }, create)).isError, true);
    // The same plan again is stale: the VM's snapshot tree changed.
    const again = await approvedCall('vsphere_snapshot_create', { vm: 'DC0_H0_VM0', name: 'pre-patch' }, create);
    assert.match(textOf(again), /^VM DC0_H0_VM0 changed since you approved: its snapshots were changed by someone else/);
    const revert = await okPlan('vsphere_snapshot_revert', { vm: 'DC0_H0_VM0', snapshot: 'pre-patch' });
    assert.match(revert.summary, /^Revert VM DC0_H0_VM0 to snapshot 'pre-patch' from \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; changes since then are lost/);
    const del = await okPlan('vsphere_snapshot_delete', { vm: 'DC0_H0_VM0', snapshot: 'pre-patch' });
    assert.match(del.summary, /^Delete snapshot 'pre-patch' from .* of VM DC0_H0_VM0; the deleted state can no longer be restored/);
    assert.deepEqual(del.changes.map((c) => [c.field, c.after]), [['snapshot', undefined]]);
    assert.notEqual((await approvedCall('vsphere_snapshot_delete', { vm: 'DC0_H0_VM0', snapshot: 'pre-patch' }, del)).isError, true);
    const missing = await plan('vsphere_snapshot_revert', { vm: 'DC0_H0_VM0', snapshot: 'pre-patch' });
    assert.ok(!missing.ok && /has no snapshot "pre-patch"/.test(missing.error), 'reverting to a deleted snapshot is refused, naming it');
  });

  it('an approved call acts only on the VM the plan read, even if the name now means another VM (Security)', async () => {
    const p = await okPlan('vsphere_power', { vm: 'DC0_H0_VM1', action: 'suspend' });
    const before = (await ctx.vcsim.counts())['SuspendVM_Task'] ?? 0;
    // Same state, so the re-check of the approved moref passes; the name resolves elsewhere.
    const r = await approvedCall('vsphere_power', { vm: 'DC0_H0_VM0', action: 'suspend' }, p);
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^VSPHERE_TOOL_INVALID: the name "DC0_H0_VM0" now refers to vm-\d+, not the vm-\d+ you approved; nothing was run/);
    assert.equal((await ctx.vcsim.counts())['SuspendVM_Task'] ?? 0, before);
  });
});
