// Issue 16's vSphere writes end to end on vcsim: `keybroker serve`, the real `keybroker
// bridge`, two vCenter endpoints, the gateway's plan step in the dist/mcp/vsphere child,
// approvals answered with the real CLI. A client with no prior knowledge lists the
// endpoints, lists tags and the VMs with one, clones a VM (the approval's plan names source,
// target folder and datastore)
// and migrates the clone, continuing from the text blocks alone; the audit names both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { adminSession, type AdminSession } from '../mcp/vsphere/admin-session.js';
import { startBridgedVsphere, type BridgedVsphere } from '../support/bridged-vsphere.js';
import type { Vcsim } from '../support/vcsim.js';
import { readAudit } from '../support/audit-file.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import { findSecrets } from '../support/secret-scan.js';

const PASSWORD = 'vc-writes "pass" & <more>';
const USER = 'administrator@vsphere.local';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('vSphere clone and migrate through the bridge, each approved on its plan (issue 16)', () => {
  let world: BridgedVsphere | undefined;
  let vcsim: Vcsim;
  let admin: AdminSession;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
  const { approvals, nextToolApproval } = cliApprovals(cli);
  /** A read call on a locked endpoint: approve the unlock it asks for, then its answer. */
  const readCall = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> => {
    let settled = false;
    const call = (client.callTool({ name, arguments: args }) as Promise<CallToolResult>).finally(() => { settled = true; });
    const unlocker = (async () => {
      while (!settled) {
        const a = (await approvals())[0];
        if (a?.subject.kind === 'unlock') assert.equal((await cli(['approve', a.id])).code, 0);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const r = await call;
    await unlocker;
    return r;
  };
  const audit = () => readAudit(home);

  before(async () => {
    world = await startBridgedVsphere({
      user: USER, password: PASSWORD, homePrefix: 'kb-vs-writes-', vcsim: { vms: 1, clusters: 1, hosts: 2, standalone: 1 }, endpoints: ['vc1', 'vc2'],
      prepare: async (v) => {
        admin = await adminSession(v);
        await admin.createFolder('Lab');
        await admin.createDatastore('DC0_C0_H1', 'ds1');
        await admin.attachTag(await admin.createTag('env', 'prod'), 'DC0_C0_RP0_VM0');
        return () => admin.close();
      },
    });
    ({ vcsim, home, env, client } = world);
  });
  after(async () => {
    await world?.stop();
  });

  it('lists the endpoints, tags and tagged VMs, clones after an approval naming source, folder and datastore, then migrates the clone', async () => {
    const { tools } = await client.listTools();
    for (const name of ['vsphere_clone_vm', 'vsphere_migrate_vm', 'vsphere_reconfigure_vm', 'vsphere_host_maintenance']) assert.ok(tools.some((t) => t.name === name), name);

    const endpoints = textOf(await client.callTool({ name: 'vsphere_list_endpoints', arguments: {} }));
    assert.match(endpoints, /vc1/);
    assert.match(endpoints, /vc2/);
    assert.doesNotMatch(endpoints, new RegExp(PASSWORD.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    // Tags and a tag filter, through the vAPI session the broker made with the same login.
    const tags = textOf(await readCall('vsphere_list_tags', { endpoint: 'vc1' }));
    assert.match(tags, /^1 tag\(s\) in 1 category\n.*"name":"prod","category":"env"/s);
    const tagged = textOf(await readCall('vsphere_list_vms', { endpoint: 'vc1', tag: 'env/prod' }));
    assert.match(tagged, /^1 of 1 VMs\n/);
    const source = /"name":"(DC0_C0_RP0_VM0)"/.exec(tagged)?.[1];
    assert.ok(source, tagged);
    // Its metrics, read from the text block alone (moref from the row above).
    const sourceMoref = /"moref":"(vm-\d+)"/.exec(tagged)?.[1];
    assert.ok(sourceMoref, tagged);
    const metrics = textOf(await readCall('vsphere_get_metrics', { endpoint: 'vc1', entity: sourceMoref, metrics: ['cpu', 'memory'], minutes: 5 }));
    assert.match(metrics, /"metric":"cpu"/);
    assert.match(metrics, /"metric":"memory"/);
    const clone = client.callTool({ name: 'vsphere_clone_vm', arguments: { endpoint: 'vc1', vm: source, name: 'web-02', folder: 'Lab', datastore: 'LocalDS_0' } });
    const a = await nextToolApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.plan, JSON.stringify(a));
    assert.equal(a.subject.tool, 'vsphere_clone_vm');
    assert.equal(a.subject.changes, true);
    assert.match(a.subject.plan.summary, new RegExp(`^Clone VM ${source} to web-02 in folder Lab on datastore LocalDS_0 \\([^)]+\\), powered off \\(resource pool Resources\\)$`));
    const shown = await cli(['approvals']);
    assert.match(shown.stdout, /Clone VM DC0_C0_RP0_VM0 to web-02 in folder Lab on datastore LocalDS_0/);
    assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
    const cloned = (await clone) as CallToolResult;
    assert.notEqual(cloned.isError, true, textOf(cloned));
    // The text block alone says which VM was made (name and moref) and where.
    const cloneText = textOf(cloned);
    const moref = /cloned DC0_C0_RP0_VM0 to web-02 \((vm-\d+)\) in folder Lab on datastore LocalDS_0, poweredOff/.exec(cloneText)?.[1];
    assert.ok(moref, cloneText);
    assert.match(cloneText, new RegExp(`"moref":"${moref}"`));

    const where = textOf(await client.callTool({ name: 'vsphere_get_vm', arguments: { endpoint: 'vc1', vm: moref } }));
    const fromHost = /DC0_C0_H[01]/.exec(where)?.[0];
    assert.ok(fromHost, where);

    const migrate = client.callTool({ name: 'vsphere_migrate_vm', arguments: { endpoint: 'vc1', vm: moref, host: 'DC0_C0_H1', datastore: 'ds1' } });
    const b = await nextToolApproval();
    assert.ok(b.subject.kind === 'tool' && b.subject.plan, 'the migrate approval carries a plan');
    const hostPart = fromHost === 'DC0_C0_H1' ? 'staying on host DC0_C0_H1' : `from host ${fromHost} to DC0_C0_H1`;
    assert.ok(b.subject.plan.summary.startsWith(`Migrate VM web-02 `) && b.subject.plan.summary.includes('datastore LocalDS_0 → ds1'), b.subject.plan.summary);
    assert.ok(b.subject.plan.summary.includes(hostPart), b.subject.plan.summary);
    assert.equal((await cli(['approve', b.id, '--once'])).code, 0);
    const moved = (await migrate) as CallToolResult;
    assert.notEqual(moved.isError, true, textOf(moved));
    assert.match(textOf(moved), /^migrated web-02: .* → DC0_C0_H1 \/ ds1/);

    const records = await waitFor('both audit records', () => {
      const r = audit().filter((l) => l.event === 'tool.called' && l.outcome === 'ok' && (l.tool === 'vsphere_clone_vm' || l.tool === 'vsphere_migrate_vm'));
      return r.length === 2 ? r : undefined;
    });
    const cloneRecord = records.find((r) => r.tool === 'vsphere_clone_vm');
    assert.equal(cloneRecord?.planHash, a.subject.plan.hash);
    assert.ok(cloneRecord?.objects?.some((o) => /^VM DC0_C0_RP0_VM0 \(vm-\d+\)$/.test(o)) && cloneRecord.objects.some((o) => /^folder Lab \(/.test(o)), JSON.stringify(cloneRecord?.objects));
    const migrateRecord = records.find((r) => r.tool === 'vsphere_migrate_vm');
    assert.ok(migrateRecord?.objects?.some((o) => /^target datastore ds1 \(/.test(o)), JSON.stringify(migrateRecord?.objects));
    assert.deepEqual(findSecrets([PASSWORD], { dirs: [home] }), []);
  });

  it('a denied clone creates nothing; a write without an endpoint is refused with the names to pick from', async () => {
    const before = (await vcsim.counts())['CloneVM_Task'] ?? 0;
    const unnamed = (await client.callTool({ name: 'vsphere_clone_vm', arguments: { vm: 'DC0_H0_VM0', name: 'nope' } })) as CallToolResult;
    assert.equal(unnamed.isError, true);
    assert.match(textOf(unnamed), /pass the endpoint argument .*vc1, vc2/);
    const call = client.callTool({ name: 'vsphere_clone_vm', arguments: { endpoint: 'vc2', vm: 'DC0_H0_VM0', name: 'denied-clone' } });
    const a = await nextToolApproval();
    assert.equal((await cli(['deny', a.id])).code, 0);
    assert.equal(textOf(await call), 'denied by the user');
    assert.equal((await vcsim.counts())['CloneVM_Task'] ?? 0, before);
  });
});
