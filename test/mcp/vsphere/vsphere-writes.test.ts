// The vSphere write tools of issue 16 (clone, migrate, reconfigure, host maintenance) over a
// real SDK Client and InMemoryTransport against vcsim: each plan from live state, the guards
// that refuse before anyone is asked, the precondition re-check of an approved call, and the
// change itself as vcsim then reports it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PLAN_METHOD, PlanResult, type ChildPlan } from '../../../src/base/contracts/plan-protocol.js';
import { adminSession, type AdminSession } from './admin-session.js';
import { useVcsimServer } from './use-vcsim-server.js';

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('vSphere write tools against vcsim (issue 16)', () => {
  const ctx = useVcsimServer({ vms: 2, clusters: 1, hosts: 2, standalone: 1 });
  let admin: AdminSession;
  before(async () => {
    admin = await adminSession(ctx.vcsim);
  });
  after(async () => {
    await admin?.close();
  });
  const plan = (name: string, args: Record<string, unknown>) => ctx.s.client.request({ method: PLAN_METHOD, params: { name, arguments: args } } as never, PlanResult);
  const okPlan = async (name: string, args: Record<string, unknown>): Promise<ChildPlan> => {
    const r = await plan(name, args);
    if (!r.ok) assert.fail(r.error);
    return r.plan;
  };
  const refusal = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const r = await plan(name, args);
    assert.ok(!r.ok, `expected a refusal, got ${JSON.stringify(r)}`);
    // The toolkit's error policy: an expected refusal reaches the model as `CODE: message`.
    assert.ok(r.error.startsWith('VSPHERE_TOOL_INVALID: '), r.error);
    return r.error.slice('VSPHERE_TOOL_INVALID: '.length);
  };
  const approvedCall = (name: string, args: Record<string, unknown>, p: ChildPlan) =>
    ctx.s.client.callTool({ name, arguments: args, _meta: { 'keybroker/approved': { planHash: p.hash, precondition: p.precondition } } }) as Promise<CallToolResult>;
  const count = async (method: string) => (await ctx.vcsim.counts())[method] ?? 0;

  it('declares all four annotations on every write tool', async () => {
    const { tools } = await ctx.s.client.listTools();
    const expected: Record<string, [boolean, boolean]> = {
      vsphere_clone_vm: [false, false],
      vsphere_migrate_vm: [false, true],
      vsphere_reconfigure_vm: [true, true],
      vsphere_host_maintenance: [true, true],
    };
    for (const [name, [destructive, idempotent]] of Object.entries(expected)) {
      const t = tools.find((x) => x.name === name);
      assert.ok(t, `${name} is listed`);
      assert.deepEqual(t.annotations, { readOnlyHint: false, destructiveHint: destructive, idempotentHint: idempotent, openWorldHint: true }, name);
    }
  });

  it('clone: the plan names source, target folder, datastore with size and power; the clone exists afterwards', async () => {
    await admin.createFolder('Lab');
    const args = { vm: 'DC0_H0_VM0', name: 'web-02', folder: 'Lab', datastore: 'LocalDS_0' };
    const before = await count('CloneVM_Task');
    const p = await okPlan('vsphere_clone_vm', args);
    assert.match(p.summary, /^Clone VM DC0_H0_VM0 to web-02 in folder Lab on datastore LocalDS_0 \(\d+(\.\d)? [MG]B\), powered off \(resource pool Resources\)$/);
    assert.deepEqual(p.changes.map((c) => [c.field, c.after]).slice(1, 3), [['folder', 'Lab'], ['datastore', p.changes[2]!.after]]);
    assert.ok(p.objects.some((o) => /^folder Lab \(group-v?\d+|folder-\d+\)/.test(o) || /^folder Lab \(/.test(o)), JSON.stringify(p.objects));
    assert.deepEqual(p.precondition.map((o) => o.type), ['VirtualMachine', 'Folder', 'Datastore', 'ResourcePool']);
    assert.ok('config.changeVersion' in p.precondition[0]!.values, 'the precondition pins the VM\'s config.changeVersion');
    assert.equal(await count('CloneVM_Task'), before, 'planning clones nothing');
    const r = await approvedCall('vsphere_clone_vm', args, p);
    assert.notEqual(r.isError, true, textOf(r));
    const out = r.structuredContent as { vm: string; moref: string; folder: string; powerState: string; linked: boolean };
    assert.equal(out.vm, 'web-02');
    assert.equal(out.folder, 'Lab');
    assert.equal(out.powerState, 'poweredOff');
    assert.equal(out.linked, false);
    assert.match(textOf(r), /^cloned DC0_H0_VM0 to web-02 \(vm-\d+\) in folder Lab on datastore LocalDS_0, poweredOff/);
    const made = await admin.props('VirtualMachine', 'web-02', ['parent']);
    assert.equal((made['parent'] as { value: string }).value, (await admin.ref('Folder', 'Lab')).value);
    // The same call again: the name is taken now, refused before anyone is asked.
    assert.match(await refusal('vsphere_clone_vm', args), /^folder Lab already has a VM named "web-02" \(vm-\d+\); pick another name$/);
  });

  it('clone: a target name taken between approval and run voids the approval; nothing is cloned', async () => {
    const args = { vm: 'DC0_H0_VM1', name: 'web-03', folder: 'Lab', powerOn: true };
    const p = await okPlan('vsphere_clone_vm', args);
    assert.match(p.summary, /, powered on \(/);
    // Someone else clones to the same name first (a plain call, as with policy.allow).
    assert.notEqual((await ctx.s.call('vsphere_clone_vm', { vm: 'DC0_H0_VM0', name: 'web-03', folder: 'Lab' })).isError, true);
    const before = await count('CloneVM_Task');
    const r = await approvedCall('vsphere_clone_vm', args, p);
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^folder Lab already has a VM named "web-03" \(vm-\d+\); pick another name \(it was free when you approved\)\. Nothing was run/);
    assert.equal(await count('CloneVM_Task'), before);
  });

  it('clone: a source changed after approval voids it (changeVersion); a linked clone names its snapshot', async () => {
    const args = { vm: 'DC0_H0_VM1', name: 'web-04' };
    const p = await okPlan('vsphere_clone_vm', args);
    await admin.reconfigure('DC0_H0_VM1', '<numCPUs>3</numCPUs>');
    const before = await count('CloneVM_Task');
    const r = await approvedCall('vsphere_clone_vm', args, p);
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^VM DC0_H0_VM1 changed since you approved: its configuration was changed by someone else \(CPUs \d+ → 3\)/);
    assert.equal(await count('CloneVM_Task'), before);

    await ctx.s.ok('vsphere_snapshot_create', { vm: 'DC0_H0_VM1', name: 'golden' });
    const linked = await okPlan('vsphere_clone_vm', { vm: 'DC0_H0_VM1', name: 'web-05', linkedFromSnapshot: 'golden' });
    assert.match(linked.summary, /^Clone VM DC0_H0_VM1 to web-05 in folder vm on datastore LocalDS_0 \(linked to snapshot 'golden', a new delta disk only\), powered off/);
    const made = await approvedCall('vsphere_clone_vm', { vm: 'DC0_H0_VM1', name: 'web-05', linkedFromSnapshot: 'golden' }, linked);
    assert.notEqual(made.isError, true, textOf(made));
    assert.equal((made.structuredContent as { linked: boolean }).linked, true, textOf(made));
    assert.match(await refusal('vsphere_clone_vm', { vm: 'DC0_H0_VM1', name: 'web-06', linkedFromSnapshot: 'nope' }), /has no snapshot "nope"/);
  });

  it('migrate: the plan names from/to host and datastore; the VM is there afterwards', async () => {
    await admin.createDatastore('DC0_C0_H1', 'ds1');
    const vm = 'DC0_C0_RP0_VM0';
    const host0 = String((await admin.props('HostSystem', 'DC0_C0_H0', ['name']))['name']);
    const wasOn = await admin.props('VirtualMachine', vm, ['runtime.host']);
    const fromHost = String((await admin.client.retrieveObjects([wasOn['runtime.host'] as never], ['name']))[0]?.props['name']);
    const toHost = fromHost === host0 ? 'DC0_C0_H1' : host0;
    const args = { vm, host: toHost, datastore: 'ds1' };
    const p = await okPlan('vsphere_migrate_vm', args);
    assert.equal(p.summary, `Migrate VM ${vm} from host ${fromHost} to ${toHost}, datastore LocalDS_0 → ds1 (now poweredOn: a live migration of its memory and disks)`);
    assert.deepEqual(p.changes.map((c) => [c.field, c.before, c.after]), [['host', fromHost, toHost], ['datastore', 'LocalDS_0', 'ds1']]);
    assert.deepEqual(p.precondition.map((o) => o.type), ['VirtualMachine', 'HostSystem', 'Datastore']);
    assert.ok('runtime.host' in p.precondition[0]!.values, 'the precondition pins the VM\'s runtime.host');
    const r = await approvedCall('vsphere_migrate_vm', args, p);
    assert.notEqual(r.isError, true, textOf(r));
    const out = r.structuredContent as { host: string; datastores: string[] };
    assert.equal(out.host, toHost);
    assert.deepEqual(out.datastores, ['ds1']);
    assert.match(await refusal('vsphere_migrate_vm', args), new RegExp(`^VM ${vm} is already there \\(host ${toHost}, datastore ds1\\); nothing to do$`));
    assert.match(await refusal('vsphere_migrate_vm', { vm }), /^pass host, pool or datastore/);
  });

  it('migrate: a VM moved by someone else after approval is not moved again', async () => {
    const vm = 'DC0_C0_RP0_VM1';
    const on = await admin.props('VirtualMachine', vm, ['runtime.host']);
    const fromHost = String((await admin.client.retrieveObjects([on['runtime.host'] as never], ['name']))[0]?.props['name']);
    const toHost = fromHost === 'DC0_C0_H0' ? 'DC0_C0_H1' : 'DC0_C0_H0';
    const p = await okPlan('vsphere_migrate_vm', { vm, host: toHost });
    assert.notEqual((await ctx.s.call('vsphere_migrate_vm', { vm, host: toHost })).isError, true);
    const before = await count('RelocateVM_Task');
    const r = await approvedCall('vsphere_migrate_vm', { vm, host: toHost }, p);
    assert.equal(r.isError, true);
    assert.match(textOf(r), new RegExp(`^VM ${vm} changed since you approved: it was moved by someone else \\(host host-\\d+ → host-\\d+\\)\\. Nothing was run`));
    assert.equal(await count('RelocateVM_Task'), before);
  });

  it('migrate: refuses a target host in maintenance mode', async () => {
    await admin.task('HostSystem', 'DC0_C0_H1', 'EnterMaintenanceMode_Task', '<timeout>0</timeout>');
    try {
      const vm = 'DC0_H0_VM1';
      assert.match(await refusal('vsphere_migrate_vm', { vm, host: 'DC0_C0_H1' }), /^host DC0_C0_H1 is in maintenance mode and takes no VMs; pick another host or take it out first \(vsphere_host_maintenance action exit\)$/);
    } finally {
      await admin.task('HostSystem', 'DC0_C0_H1', 'ExitMaintenanceMode_Task', '<timeout>0</timeout>');
    }
  });

  it('reconfigure: the plan says "CPUs 1 → 2, memory a → b MB"; a running VM without hot add is refused with what to do', async () => {
    const vm = 'DC0_H0_VM0';
    const size = await admin.props('VirtualMachine', vm, ['config.hardware.numCPU', 'config.hardware.memoryMB', 'runtime.powerState']);
    const cpu = Number(size['config.hardware.numCPU']);
    const mem = Number(size['config.hardware.memoryMB']);
    assert.equal(size['runtime.powerState'], 'poweredOn');
    assert.match(
      await refusal('vsphere_reconfigure_vm', { vm, numCpus: cpu + 1 }),
      new RegExp(`^VM ${vm} is powered on and CPU hot add is disabled on it, so its CPUs cannot go ${cpu} → ${cpu + 1} now; power it off first \\(vsphere_power action shutdown_guest or off\\), then call again$`),
    );
    assert.match(await refusal('vsphere_reconfigure_vm', { vm, memoryMb: mem - 4 }), /vSphere never removes memory from a running VM/);
    assert.match(await refusal('vsphere_reconfigure_vm', { vm, memoryMb: mem + 2 }), /^memoryMb must be a multiple of 4/);
    assert.match(await refusal('vsphere_reconfigure_vm', { vm, numCpus: cpu }), /already has .* nothing to do$/);
    // With hot add enabled (by an admin), a running VM grows.
    await admin.reconfigure(vm, '<cpuHotAddEnabled>true</cpuHotAddEnabled><memoryHotAddEnabled>true</memoryHotAddEnabled>');
    const hot = await okPlan('vsphere_reconfigure_vm', { vm, numCpus: cpu + 1, memoryMb: mem * 2 });
    assert.equal(hot.summary, `Set VM ${vm} CPUs ${cpu} → ${cpu + 1}, memory ${mem} → ${mem * 2} MB (now poweredOn, hot-plugged while it runs)`);
    const r = await approvedCall('vsphere_reconfigure_vm', { vm, numCpus: cpu + 1, memoryMb: mem * 2 }, hot);
    assert.notEqual(r.isError, true, textOf(r));
    assert.deepEqual(r.structuredContent, { vm, moref: hot.precondition[0]!.id, numCpus: cpu + 1, memoryMb: mem * 2, previousNumCpus: cpu, previousMemoryMb: mem });
  });

  it('reconfigure: a powered-off VM shrinks; a configuration changed meanwhile voids the approval', async () => {
    const vm = 'DC0_H0_VM1';
    await ctx.s.ok('vsphere_power', { vm, action: 'off' });
    const size = await admin.props('VirtualMachine', vm, ['config.hardware.numCPU', 'config.hardware.memoryMB']);
    const mem = Number(size['config.hardware.memoryMB']);
    const p = await okPlan('vsphere_reconfigure_vm', { vm, numCpus: 4, memoryMb: mem / 2 });
    assert.match(p.summary, new RegExp(`^Set VM ${vm} CPUs \\d+ → 4, memory ${mem} → ${mem / 2} MB \\(now poweredOff\\)$`));
    await admin.reconfigure(vm, '<numCPUs>2</numCPUs>');
    const before = await count('ReconfigVM_Task');
    const stale = await approvedCall('vsphere_reconfigure_vm', { vm, numCpus: 4, memoryMb: mem / 2 }, p);
    assert.match(textOf(stale), /^VM DC0_H0_VM1 changed since you approved: its configuration was changed by someone else/);
    assert.equal(await count('ReconfigVM_Task'), before);
    const fresh = await okPlan('vsphere_reconfigure_vm', { vm, numCpus: 4, memoryMb: mem / 2 });
    const r = await approvedCall('vsphere_reconfigure_vm', { vm, numCpus: 4, memoryMb: mem / 2 }, fresh);
    assert.notEqual(r.isError, true, textOf(r));
    assert.equal((r.structuredContent as { numCpus: number }).numCpus, 4);
    await ctx.s.ok('vsphere_power', { vm, action: 'on' });
  });

  it('host maintenance: the plan lists the running VMs; enter and exit run; refusals say why', async () => {
    const host = 'DC0_H0';
    const p = await okPlan('vsphere_host_maintenance', { host, action: 'enter' });
    assert.match(p.summary, /^Put host DC0_H0 into maintenance mode \(\d+ running VMs? must move to other hosts or be powered off first: .*DC0_H0_VM0.*\); it takes no VMs until it exits$/);
    assert.ok(p.changes.some((c) => /^VM DC0_H0_VM0 \(vm-\d+\)$/.test(c.object) && c.after === 'another host, or powered off'), JSON.stringify(p.changes));
    assert.deepEqual(p.changes[0], { object: p.objects[0], field: 'maintenance mode', before: 'off', after: 'on' });
    const r = await approvedCall('vsphere_host_maintenance', { host, action: 'enter' }, p);
    assert.notEqual(r.isError, true, textOf(r));
    assert.equal((r.structuredContent as { inMaintenanceMode: boolean }).inMaintenanceMode, true);
    assert.match(await refusal('vsphere_host_maintenance', { host, action: 'enter' }), /^host DC0_H0 is already in maintenance mode; nothing to do$/);
    const exit = await okPlan('vsphere_host_maintenance', { host, action: 'exit' });
    assert.match(exit.summary, /^Take host DC0_H0 out of maintenance mode/);
    // Someone else takes it out first: the approved exit refuses.
    await admin.task('HostSystem', host, 'ExitMaintenanceMode_Task', '<timeout>0</timeout>');
    const before = await count('ExitMaintenanceMode_Task');
    const stale = await approvedCall('vsphere_host_maintenance', { host, action: 'exit' }, exit);
    assert.match(textOf(stale), /^host DC0_H0 changed since you approved: it was taken out of maintenance mode by someone else \(maintenance mode true → false\)\. Nothing was run/);
    assert.equal(await count('ExitMaintenanceMode_Task'), before);
    assert.match(await refusal('vsphere_host_maintenance', { host, action: 'exit' }), /^host DC0_H0 is not in maintenance mode; nothing to do$/);
  });

  it('an approved call acts only on the targets the plan read (Security)', async () => {
    const p = await okPlan('vsphere_host_maintenance', { host: 'DC0_C0_H0', action: 'enter' });
    const before = await count('EnterMaintenanceMode_Task');
    const r = await approvedCall('vsphere_host_maintenance', { host: 'DC0_H0', action: 'enter' }, p);
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^VSPHERE_TOOL_INVALID: the host "DC0_H0" now refers to host-\d+, not the host-\d+ you approved; nothing was run/);
    assert.equal(await count('EnterMaintenanceMode_Task'), before);
  });
});
