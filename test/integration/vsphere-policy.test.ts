// Policy rules on live inventory and blast-radius limits (issue 14), end to end on vcsim:
// `keybroker serve`, the real bridge, the plan step of the dist/mcp/vsphere child reading
// folder, cluster and tag facts (tags through the vAPI session the broker grants beside the
// cookie), `keybroker policy test` through the new control op, approvals answered with the
// real CLI, and "someone else" moving a VM, renaming a cluster, tagging a VM (vAPI) and
// powering a VM back on through independent sessions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createUpstreamDispatcher, moRefElement, VsphereClient, vsphereLogin, vsphereLogout, xmlElement, type ManagedObjectRef } from '../../src/connectors/vsphere/index.js';
import type { PolicyTestResult } from '../../src/base/contracts/policy.js';
import { findEntity } from '../../src/mcp/vsphere/inventory/find-entity.js';
import { adminSession, type AdminSession } from '../mcp/vsphere/admin-session.js';
import { taskRef } from '../../src/mcp/vsphere/inventory/task-ref.js';
import { startBridgedVsphere, type BridgedVsphere } from '../support/bridged-vsphere.js';
import { readAudit } from '../support/audit-file.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import type { Vcsim } from '../support/vcsim.js';

const PASSWORD = 'vc-policy-pass';
const USER = 'administrator@vsphere.local';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('policy rules on live inventory and blast-radius limits (issue 14)', () => {
  let world: BridgedVsphere | undefined;
  let vcsim: Vcsim;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  let soap: VsphereClient;
  let closeSoap: () => Promise<void>;
  let admin: AdminSession;
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin, timeoutMs: 120_000 });
  const { approvals, approvingUnlocks: unlocking } = cliApprovals(cli);
  /** Settle `work`, approving the unlock prompts it causes on the way (the plan needs a session); no tool approval meanwhile. */
  const approvingUnlocks = <T>(work: Promise<T>) => unlocking(work, { refuseTool: true });
  const audit = () => readAudit(home);
  // The audit is written a moment after the answer (deferred writes): wait for the call's record.
  const toolRecords = (endpoint: string) => audit().filter((l) => l.event === 'tool.called' && l.endpoint === endpoint);
  const recordAfter = (endpoint: string, before: number) => waitFor(`tool.called record ${before + 1} for ${endpoint}`, () => toolRecords(endpoint)[before]);
  const nextToolApproval = () => waitFor('a tool approval', async () => (await approvals()).find((a) => a.subject.kind === 'tool'), 60_000);
  const policyTest = async (tool: string, args: Record<string, unknown>) => {
    const human = await approvingUnlocks(cli(['policy', 'test', 'vsphere', tool, '--args', JSON.stringify(args)]));
    const json = await cli(['policy', 'test', 'vsphere', tool, '--args', JSON.stringify(args), '--json']);
    return { text: human.stdout, code: human.code, result: JSON.parse(json.stdout) as PolicyTestResult };
  };
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 }) as Promise<CallToolResult>;
  const waitTask = async (method: string, ref: ManagedObjectRef, params = '') => soap.waitForTask(taskRef(await soap.invoke(method, ref, params), method), { deadlineMs: 60_000 });

  before(async () => {
    world = await startBridgedVsphere({
      user: USER,
      password: PASSWORD,
      homePrefix: 'kb-vs-policy-',
      endpoints: ['vc1', 'vclimit'],
      setUpHome: (dir) => {
        // The rules. The live window is four hours around now (UTC), so the test never
        // depends on the time of day it runs at; the window itself is tested on a ManualClock-like
        // fixed time in test/base/policy.
        const now = Date.now();
        const configPath = path.join(dir, 'config.json');
        const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as Record<string, unknown>;
        config['policy'] = {
          // Server-qualified lists (none of these tools is called below).
          approve: ['p6/p6_call'],
          allow: ['vsphere/vsphere_host_maintenance', { server: 'extra', tool: 'vsphere_clone_vm' }, 'vsphere_migrate_vm'],
          rules: [
            { server: 'vsphere', tool: 'vsphere_snapshot_delete', when: { cluster: 'prod-*' }, action: 'deny', reason: 'never delete snapshots on production clusters' },
            { server: 'vsphere', tool: 'vsphere_power', when: { any: [{ tags: 'env:test' }, { folder: 'Lab/*' }], time: { from: hhmm(now - 2 * 3600_000), to: hhmm(now + 2 * 3600_000), timeZone: 'UTC' } }, action: 'allow', reason: 'lab power actions in office hours' },
          ],
        };
        fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
      },
    });
    ({ vcsim, home, env, client } = world);
    // Someone else's session: makes the Lab folder, moves VMs, renames the cluster.
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
    const session = await vsphereLogin({ url: vcsim.url, username: USER, password: PASSWORD, dispatcher });
    soap = new VsphereClient({ url: vcsim.url, dispatcher, session: { token: async () => session.cookie, renew: async () => session.cookie } });
    closeSoap = async () => {
      await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher }).catch(() => undefined);
      await dispatcher.close();
    };
    const dc = await findEntity(soap, 'Datacenter', 'DC0', 'datacenter');
    const [d] = await soap.retrieveObjects([dc.ref], ['vmFolder']);
    await soap.invoke('CreateFolder', d!.props['vmFolder'] as ManagedObjectRef, xmlElement('name', 'Lab'));
    // vAPI REST as someone else: category env, tag test, on a VM outside Lab/.
    admin = await adminSession(vcsim);
    await admin.attachTag(await admin.createTag('env', 'test'), 'DC0_C0_RP0_VM1');
  });
  after(async () => {
    await closeSoap?.();
    await admin?.close();
    await world?.stop();
  });

  const moveIntoLab = async (vm: string) => {
    const lab = await findEntity(soap, 'Folder', 'Lab', 'folder');
    const target = await findEntity(soap, 'VirtualMachine', vm, 'VM');
    await waitTask('MoveIntoFolder_Task', lab.ref, moRefElement('list', target.ref));
  };

  it('lists the rules and limits', async () => {
    const r = await cli(['policy', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[0\] DENY vsphere\/vsphere_snapshot_delete on \* when cluster=prod-\*: never delete snapshots/);
    assert.match(r.stdout, /\[1\] ALLOW vsphere\/vsphere_power on \* when time .* UTC and \(tags=env:test or folder=Lab\/\*\)/);
    assert.match(r.stdout, /power or snapshot changes: at most 5 per 600 s per endpoint/);
    assert.match(r.stdout, /^always ask: p6\/p6_call$/m);
    assert.match(r.stdout, /^changes allowed without asking: vsphere\/vsphere_host_maintenance, extra\/vsphere_clone_vm, vsphere_migrate_vm \(a name without server\/: built-in servers only\)$/m);
  });

  it('a VM moved into Lab/ between two calls changes the decision, and policy test explains each', async () => {
    const args = { endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'off' };
    const before = await policyTest('vsphere_power', args);
    assert.equal(before.code, 0, before.text);
    assert.equal(before.result.decision, 'ask');
    assert.equal(before.result.rule, undefined);
    assert.equal(before.result.plan?.facts?.[0]?.['folder'], '', 'a VM directly in the datacenter VM folder');
    assert.deepEqual(before.result.plan?.facts?.[0]?.['tags'], [], 'tags were read: the VM has none');
    assert.deepEqual(before.result.unevaluated, [], 'both branches were checked: no tag env:test, not in Lab/');
    assert.match(before.text, /^ASK \(default\): every change asks \(no rule allows it\)$/m);
    assert.match(before.text, /facts of VM DC0_H0_VM0 \(vm-\d+\): powerState=poweredOn .*folder= resourcePool=Resources tags=$/m);

    const first = call('vsphere_power', args);
    const a = await nextToolApproval();
    assert.equal(a.subject.kind === 'tool' && a.subject.reasons, undefined, 'the default ask carries no extra reason');
    assert.equal((await cli(['deny', a.id])).code, 0);
    assert.match(textOf(await first), /denied/);

    await moveIntoLab('DC0_H0_VM0');
    const afterMove = await policyTest('vsphere_power', args);
    assert.deepEqual([afterMove.result.decision, afterMove.result.rule], ['allow', 1], afterMove.text);
    assert.equal(afterMove.result.plan?.facts?.[0]?.['folder'], 'Lab');
    assert.match(afterMove.text, /^ALLOW \(policy\.rules\[1\]\): lab power actions in office hours/);

    const recordsBefore = toolRecords('vc1').length;
    const ran = await call('vsphere_power', args);
    assert.notEqual(ran.isError, true, textOf(ran));
    assert.match(textOf(ran), /poweredOn → poweredOff/);
    assert.deepEqual(await approvals(), [], 'nothing was asked');
    const record = await recordAfter('vc1', recordsBefore);
    assert.deepEqual([record?.outcome, record?.decision, record?.rule, record?.ruleReason], ['ok', 'allow', 1, 'lab power actions in office hours']);
    const denied = audit().find((l) => l.event === 'tool.called' && l.tool === 'vsphere_power' && l.outcome === 'denied');
    assert.deepEqual([denied?.decision, denied?.rule], ['ask', undefined]);
  });

  it('a VM tagged env:test (vAPI) is allowed through the tag branch outside Lab/, and policy test shows its tags', async () => {
    const args = { endpoint: 'vc1', vm: 'DC0_C0_RP0_VM1', action: 'off' };
    const t = await policyTest('vsphere_power', args);
    assert.deepEqual([t.result.decision, t.result.rule], ['allow', 1], t.text);
    assert.deepEqual(t.result.plan?.facts?.[0]?.['tags'], ['env:test']);
    assert.notEqual(t.result.plan?.facts?.[0]?.['folder'], 'Lab');
    assert.match(t.text, /^ALLOW \(policy\.rules\[1\]\): lab power actions in office hours/);
    assert.match(t.text, /facts of VM DC0_C0_RP0_VM1 \(vm-\d+\): .*tags=env:test$/m);
    const before = toolRecords('vc1').length;
    const ran = await call('vsphere_power', args);
    assert.notEqual(ran.isError, true, textOf(ran));
    assert.deepEqual(await approvals(), [], 'nothing was asked');
    const record = await recordAfter('vc1', before);
    assert.deepEqual([record?.outcome, record?.decision, record?.rule], ['ok', 'allow', 1]);
  });

  it('never deletes snapshots on a cluster renamed to prod-*: denied without asking, and policy test says which rule', async () => {
    const cluster = await findEntity(soap, 'ClusterComputeResource', 'DC0_C0', 'cluster');
    await waitTask('Rename_Task', cluster.ref, xmlElement('newName', 'prod-east'));
    const create = call('vsphere_snapshot_create', { endpoint: 'vc1', vm: 'DC0_C0_RP0_VM0', name: 'pre-patch' });
    const a = await nextToolApproval();
    assert.equal((await cli(['approve', a.id])).code, 0);
    assert.notEqual((await create).isError, true, textOf(await create));

    const args = { endpoint: 'vc1', vm: 'DC0_C0_RP0_VM0', snapshot: 'pre-patch' };
    const t = await policyTest('vsphere_snapshot_delete', args);
    assert.deepEqual([t.result.decision, t.result.rule], ['deny', 0]);
    assert.equal(t.result.plan?.facts?.[0]?.['cluster'], 'prod-east');
    assert.match(t.text, /^DENY \(policy\.rules\[0\]\): never delete snapshots on production clusters/);
    const requested = audit().filter((l) => l.event === 'approval.requested').length;
    const r = await call('vsphere_snapshot_delete', args);
    assert.equal(r.isError, true);
    assert.match(textOf(r), /policy\.rules\[0\] denies it: never delete snapshots on production clusters/);
    assert.equal(audit().filter((l) => l.event === 'approval.requested').length, requested, 'no one was asked');
    const listed = await call('vsphere_list_snapshots', { endpoint: 'vc1', vm: 'DC0_C0_RP0_VM0' });
    assert.match(textOf(listed), /pre-patch/, 'the snapshot is still there');
  });

  it('six power-offs in a row against one endpoint: the sixth waits with a message naming the limit', async () => {
    await moveIntoLab('DC0_H0_VM1');
    // Only power-offs go through KeyBroker; someone else powers the VM back on in between.
    const powerOnElsewhere = async () => waitTask('PowerOnVM_Task', (await findEntity(soap, 'VirtualMachine', 'DC0_H0_VM1', 'VM')).ref);
    const off = { endpoint: 'vclimit', vm: 'DC0_H0_VM1', action: 'off' };
    for (let i = 1; i <= 5; i++) {
      const r = await approvingUnlocks(call('vsphere_power', off));
      assert.notEqual(r.isError, true, `power-off ${i}: ${textOf(r)}`);
      assert.match(textOf(r), /poweredOn → poweredOff/);
      await powerOnElsewhere();
    }
    assert.deepEqual(await approvals(), [], 'the rule allowed five without asking');
    await recordAfter('vclimit', 4);
    assert.equal(toolRecords('vclimit').filter((l) => l.outcome === 'ok').length, 5);
    const recordsBefore = toolRecords('vclimit').length;
    const sixth = call('vsphere_power', off);
    const a = await nextToolApproval();
    assert.ok(a.subject.kind === 'tool', 'the sixth power call asks for approval');
    assert.deepEqual(a.subject.reasons, ["limit 'power or snapshot changes' reached: 5 per 10 min on endpoint vclimit (5 already)"]);
    const shown = await cli(['approvals']);
    assert.match(shown.stdout, /asks because: limit 'power or snapshot changes' reached: 5 per 10 min on endpoint vclimit/);
    assert.equal((await cli(['approve', a.id])).code, 0);
    const r = await sixth;
    assert.notEqual(r.isError, true, textOf(r));
    assert.match(textOf(r), /poweredOn → poweredOff/);
    const record = await recordAfter('vclimit', recordsBefore);
    assert.deepEqual([record?.decision, record?.rule, record?.limits], ['allow', 1, ["limit 'power or snapshot changes' reached: 5 per 10 min on endpoint vclimit (5 already)"]]);
    // The limit is per endpoint: vc1 has had two power changes and one snapshot only.
    const other = await policyTest('vsphere_power', { endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'on' });
    assert.deepEqual(other.result.limits, []);
  });
});
