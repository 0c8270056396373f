// The vSphere MCP server end to end: `keybroker serve` from a shell, the real `keybroker
// bridge` over stdio, the broker unlocking a Secret Service credential with a CLI
// approval and logging in to vcsim over HTTPS with its fingerprint pinned, and the
// supervised dist/mcp/vsphere child answering with vcsim's inventory.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { vapiRest } from '../mcp/vsphere/admin-session.js';
import { startBridgedVsphere, type BridgedVsphere } from '../support/bridged-vsphere.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import type { Vcsim } from '../support/vcsim.js';
import { findSecrets } from '../support/secret-scan.js';

const PASSWORD = 'vc-e2e "pass" & <more>';
const ALL_VMS = ['DC0_C0_RP0_VM0', 'DC0_C0_RP0_VM1', 'DC0_H0_VM0', 'DC0_H0_VM1'];
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('vSphere MCP server through serve, bridge, gateway and broker', () => {
  let world: BridgedVsphere | undefined;
  let vcsim: Vcsim;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
  const status = async () => JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus;
  const { nextApproval } = cliApprovals(cli);
  const addEndpoint = (name: string, extra: string[] = []) => world!.addEndpoint(name, extra);

  before(async () => {
    world = await startBridgedVsphere({ user: 'administrator@vsphere.local', password: PASSWORD, homePrefix: 'kb-vs-mcp-', endpoints: ['vc1'], serve: { toolsListed: true } });
    ({ vcsim, home, env, client } = world);
  });
  after(async () => {
    await world?.stop();
  });

  it('lists the vSphere tools through the bridge', async () => {
    const { tools } = await client.listTools();
    for (const name of ['vsphere_list_vms', 'vsphere_get_vm', 'vsphere_power', 'vsphere_snapshot_create', 'vsphere_recent_events']) {
      assert.ok(tools.some((t) => t.name === name), name);
    }
  });

  it('tells a client with no prior knowledge the endpoints and how to choose one, without a prompt', async () => {
    assert.match(client.getInstructions() ?? '', /vsphere_list_endpoints/);
    const r = (await client.callTool({ name: 'vsphere_list_endpoints', arguments: {} })) as CallToolResult;
    assert.notEqual(r.isError, true, textOf(r));
    assert.deepEqual(r.structuredContent, { endpoints: [{ name: 'vc1', host: new URL(vcsim.url).host, readOnly: false, state: 'locked' }], total: 1 });
    assert.match(textOf(r), /^1 vCenter endpoint \(vc1\); the endpoint argument may be left out\n\{/);
    assert.ok(!/administrator|endpoint:|\/sdk/.test(textOf(r)), textOf(r));
    assert.deepEqual(JSON.parse((await cli(['approvals', '--json'])).stdout), []);
  });

  it('vsphere_list_vms answers with vcsim inventory after one unlock approval', async () => {
    const call = client.callTool({ name: 'vsphere_list_vms', arguments: {} });
    const unlock = await nextApproval();
    assert.equal(unlock.endpoint, 'vc1');
    assert.equal((await cli(['approve', unlock.id])).code, 0);
    const r = (await call) as CallToolResult;
    assert.notEqual(r.isError, true, textOf(r));
    const out = r.structuredContent as { vms: { name: string; powerState: string }[]; total: number };
    assert.equal(out.total, ALL_VMS.length);
    // The text block alone is enough to continue (issue 16): the same data as JSON.
    assert.deepEqual(JSON.parse(textOf(r).split('\n')[1]!), out);
    assert.deepEqual(out.vms.map((v) => v.name), ALL_VMS);
    assert.ok(out.vms.every((v) => v.powerState === 'poweredOn'), 'every VM of vcsim is powered on');
    // The unlock lasts: a second call needs no approval.
    const again = (await client.callTool({ name: 'vsphere_get_vm', arguments: { vm: 'DC0_H0_VM0' } })) as CallToolResult;
    assert.equal((again.structuredContent as { host: string }).host, 'DC0_H0');
  });

  it('answers every read-only tool through the gateway, matching the vcsim inventory', async () => {
    const cases: [string, Record<string, unknown>, string?][] = [
      ['vsphere_get_vm', { vm: 'DC0_H0_VM0' }, 'DC0_H0_VM0'],
      ['vsphere_list_hosts', {}, 'DC0_C0_H2'],
      ['vsphere_get_host', { host: 'DC0_H0' }, 'DC0_H0'],
      ['vsphere_list_clusters', {}, 'DC0_C0'],
      ['vsphere_list_datacenters', {}, 'DC0'],
      ['vsphere_get_datacenter', { datacenter: 'DC0' }, 'DC0'],
      ['vsphere_list_datastores', {}, 'LocalDS_0'],
      ['vsphere_get_datastore', { datastore: 'LocalDS_0' }, 'LocalDS_0'],
      ['vsphere_list_folders', {}, 'vm'],
      ['vsphere_get_folder', { folder: 'vm' }, 'vm'],
      ['vsphere_list_networks', {}, 'VM Network'],
      ['vsphere_get_network', { network: 'VM Network' }, 'VM Network'],
      ['vsphere_list_vlans', {}],
      ['vsphere_list_snapshots', { vm: 'DC0_H0_VM0' }],
      ['vsphere_recent_events', { maxCount: 5 }],
    ];
    for (const [name, args, expect] of cases) {
      const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
      assert.equal(r.isError, undefined, `${name}: ${JSON.stringify(r.content)}`);
      assert.ok(r.structuredContent, `${name} returns structured content`);
      if (expect) assert.ok(JSON.stringify(r.structuredContent).includes(expect), `${name} mentions ${expect}`);
    }
    const hosts = (await client.callTool({ name: 'vsphere_list_hosts', arguments: {} })) as CallToolResult;
    assert.equal((hosts.structuredContent as { total: number }).total, 4); // DC0_H0 + 3 hosts in DC0_C0
  });

  it('`keybroker call vsphere vsphere_list_vms` prints the VMs and their power states', async () => {
    const r = await cli(['call', 'vsphere', 'vsphere_list_vms']);
    assert.equal(r.code, 0, r.stderr);
    // A summary line, then the page as JSON (issue 16: the text carries every field).
    const [summary, json] = r.stdout.trimEnd().split('\n');
    assert.equal(summary, `${ALL_VMS.length} of ${ALL_VMS.length} VMs`);
    const vms = (JSON.parse(json!) as { vms: { name: string; moref: string; powerState: string }[] }).vms;
    assert.deepEqual(vms.map((v) => v.name), ALL_VMS);
    for (const v of vms) assert.match(`${v.moref} ${v.powerState}`, /^vm-\d+ poweredOn$/);
  });

  it('vsphere_power waits for approval; approve runs it, deny never reaches vCenter', async () => {
    const off = client.callTool({ name: 'vsphere_power', arguments: { vm: 'DC0_H0_VM1', action: 'off' } });
    const a = await nextApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.tool === 'vsphere_power', JSON.stringify(a));
    assert.equal(a.endpoint, 'vc1');
    assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
    const r = (await off) as CallToolResult;
    assert.notEqual(r.isError, true, textOf(r));
    assert.equal((r.structuredContent as { powerState: string }).powerState, 'poweredOff');

    const before = (await vcsim.counts())['PowerOnVM_Task'] ?? 0;
    const on = client.callTool({ name: 'vsphere_power', arguments: { vm: 'DC0_H0_VM1', action: 'on' } });
    assert.equal((await cli(['deny', (await nextApproval()).id])).code, 0);
    const denied = (await on) as CallToolResult;
    assert.equal(denied.isError, true);
    assert.equal(textOf(denied), 'denied by the user');
    assert.equal((await vcsim.counts())['PowerOnVM_Task'] ?? 0, before);
    const offList = (await client.callTool({ name: 'vsphere_list_vms', arguments: { powerState: 'poweredOff' } })) as CallToolResult;
    assert.deepEqual((offList.structuredContent as { vms: { name: string }[] }).vms.map((v) => v.name), ['DC0_H0_VM1']);
  });

  it('vsphere_snapshot_create and vsphere_snapshot_delete both wait for approval (issue 11: every write asks)', async () => {
    const create = client.callTool({ name: 'vsphere_snapshot_create', arguments: { vm: 'DC0_H0_VM0', name: 'e2e' } });
    const c = await nextApproval();
    assert.ok(c.subject.kind === 'tool' && c.subject.tool === 'vsphere_snapshot_create', 'the approval is for vsphere_snapshot_create');
    assert.equal((await cli(['approve', c.id, '--once'])).code, 0);
    const created = (await create) as CallToolResult;
    assert.notEqual(created.isError, true, textOf(created));
    const del = client.callTool({ name: 'vsphere_snapshot_delete', arguments: { vm: 'DC0_H0_VM0', snapshot: 'e2e' } });
    const a = await nextApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.tool === 'vsphere_snapshot_delete', 'the approval is for vsphere_snapshot_delete');
    assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
    const r = (await del) as CallToolResult;
    assert.notEqual(r.isError, true, textOf(r));
    const left = (await client.callTool({ name: 'vsphere_list_snapshots', arguments: { vm: 'DC0_H0_VM0' } })) as CallToolResult;
    assert.equal((left.structuredContent as { total: number }).total, 0);
  });

  it('a read-only endpoint refuses destructive tools', async () => {
    await addEndpoint('vcro', ['--read-only']);
    const r = await waitFor('the read-only endpoint to be known', async () => {
      const res = (await client.callTool({ name: 'vsphere_power', arguments: { vm: 'DC0_H0_VM1', action: 'on', endpoint: 'vcro' } })) as CallToolResult;
      return /no vsphere endpoint named/.test(textOf(res)) ? undefined : res;
    });
    assert.equal(r.isError, true);
    assert.match(textOf(r), /read-only/);
  });

  it('endpoint add tests the login: a wrong password or fingerprint exits 1 at once and stores nothing', async () => {
    const add = (pw: string, fp: string) => cli(['endpoint', 'add', 'vsphere', 'vcwrong', '--url', vcsim.url, '--user', 'administrator@vsphere.local', '--fingerprint', fp, '--password-stdin'], `${pw}\n`);
    let r = await add('not-the-password', vcsim.fingerprintSha256);
    assert.equal(r.code, 1);
    // One instruction, for this command: not the connector's `keybroker endpoint update NAME`
    // for an endpoint that was never saved (D145).
    assert.match(r.stderr, /^keybroker endpoint: login test of vcwrong failed, nothing was saved: vCenter at https:\/\/[^ ]+ rejected the username or password; check them; fix the value and run the command again \(--no-verify saves without testing\)\n$/);
    r = await add(PASSWORD, 'ab'.repeat(32));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /certificate SHA-256/);
    assert.ok(r.stderr.endsWith(`, then run the command again with --fingerprint ${vcsim.fingerprintSha256}\n`), r.stderr);
    assert.equal(r.stderr.includes('endpoint update'), false, r.stderr);
    const listed = JSON.parse((await cli(['endpoint', 'list', '--json'])).stdout) as { id: string }[];
    assert.ok(!listed.some((e) => e.id === 'vcwrong'), JSON.stringify(listed));
    // Nothing half-stored: the same name is free and adds cleanly with the right values.
    r = await add(PASSWORD, vcsim.fingerprintSha256);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /login tested/);
    assert.equal((await cli(['endpoint', 'remove', 'vcwrong'])).code, 0);
  });

  it('endpoint update --password-stdin tests it, replaces it and ends the running session: the next call asks again', async () => {
    const vc1 = async () => (await status()).endpoints.find((e) => e.id === 'vc1')!;
    if ((await vc1()).lock === 'locked') {
      const call = client.callTool({ name: 'vsphere_list_hosts', arguments: { endpoint: 'vc1' } });
      assert.equal((await cli(['approve', (await nextApproval()).id])).code, 0);
      await call;
    }
    assert.ok((await vc1()).session, 'a live session before the update');
    const logouts = (await vcsim.counts())['Logout'] ?? 0;
    const r = await cli(['endpoint', 'update', 'vc1', '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'updated vsphere endpoint vc1 (password replaced; login tested; any old session ended)\n');
    // The login test logs out its own session; the host then logs out the old one.
    await waitFor('old session logged out at vCenter', async () => (((await vcsim.counts())['Logout'] ?? 0) >= logouts + 2 ? true : undefined));
    const after = await vc1();
    assert.equal(after.lock, 'locked');
    assert.equal(after.session, undefined);
    const call = client.callTool({ name: 'vsphere_list_hosts', arguments: { endpoint: 'vc1' } });
    const again = await nextApproval();
    assert.equal(again.endpoint, 'vc1');
    assert.equal((await cli(['approve', again.id])).code, 0);
    assert.notEqual(((await call) as CallToolResult).isError, true);
  });

  it('with two vCenter endpoints, a client that reads only text blocks finds the endpoint, lists tagged VMs and reads metrics', async () => {
    // An admin tagged one VM "prod" in the vCenter UI.
    const admin = await vapiRest(vcsim);
    try {
      const rest = (path: string, body: unknown) => admin.rest('POST', path, body);
      const cat = await rest('/com/vmware/cis/tagging/category', { create_spec: { name: 'Env', cardinality: 'SINGLE', associable_types: [] } });
      const tag = String(await rest('/com/vmware/cis/tagging/tag', { create_spec: { name: 'prod', category_id: cat } }));
      const vm = ((await client.callTool({ name: 'vsphere_get_vm', arguments: { endpoint: 'vc1', vm: 'DC0_C0_RP0_VM1' } })) as CallToolResult).structuredContent as { moref: string };
      await rest(`/com/vmware/cis/tagging/tag-association/id:${tag}?~action=attach`, { object_id: { id: vm.moref, type: 'VirtualMachine' } });
    } finally {
      await admin.close();
    }
    await addEndpoint('vc2');
    // From here on the client uses only the text blocks: a summary line, then JSON.
    const data = (r: unknown) => JSON.parse(textOf(r).split('\n')[1]!) as Record<string, unknown>;
    const listed = await waitFor('two vSphere endpoints', async () => {
      const d = data(await client.callTool({ name: 'vsphere_list_endpoints', arguments: {} }));
      return (d['endpoints'] as { name: string }[]).some((e) => e.name === 'vc2') ? d : undefined;
    });
    const endpoints = listed['endpoints'] as { name: string; host: string; state: string }[];
    assert.ok(endpoints.length >= 2, 'both endpoints are listed');
    const chosen = endpoints.find((e) => e.name === 'vc2' && e.state === 'locked')!;
    const tagged = client.callTool({ name: 'vsphere_list_vms', arguments: { endpoint: chosen.name, tag: 'Env/prod' } });
    const unlock = await nextApproval();
    assert.equal(unlock.endpoint, 'vc2');
    assert.equal((await cli(['approve', unlock.id])).code, 0);
    const vms = data(await tagged)['vms'] as { name: string; moref: string }[];
    assert.deepEqual(vms.map((v) => v.name), ['DC0_C0_RP0_VM1']);
    const metrics = data(await client.callTool({ name: 'vsphere_get_metrics', arguments: { endpoint: chosen.name, entity: vms[0]!.moref, metrics: ['cpu', 'memory'], minutes: 5 } }));
    assert.deepEqual((metrics['series'] as { metric: string; samples: unknown[] }[]).map((x) => [x.metric, x.samples.length]), [['cpu', 15], ['memory', 15]]);
  });

  it('keybroker restart vsphere starts a fresh server process and keeps the unlocks: no new approval', async () => {
    const before = (await status()).children.find((c) => c.name === 'vsphere')!;
    assert.equal((await status()).endpoints.find((e) => e.id === 'vc1')?.lock, 'unlocked');
    const r = await cli(['restart', 'vsphere']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^restarted vsphere \(pid \d+\); state (starting|running); unlocks kept\n$/);
    await waitFor('a new vsphere process running', async () => {
      const c = (await status()).children.find((x) => x.name === 'vsphere');
      return c?.state === 'running' && c.pid !== before.pid ? true : undefined;
    }, 30_000);
    const res = await waitFor('the restarted server answers', async () => {
      const x = (await client.callTool({ name: 'vsphere_list_hosts', arguments: { endpoint: 'vc1' } })) as CallToolResult;
      return x.isError ? undefined : x;
    }, 30_000);
    assert.ok((res.structuredContent as { total: number }).total > 0, 'vc1 lists at least one host');
    assert.deepEqual(JSON.parse((await cli(['approvals', '--json'])).stdout), []);
    assert.equal((await status()).endpoints.find((e) => e.id === 'vc1')?.lock, 'unlocked');
  });

  it('keeps the password out of KEYBROKER_HOME', () => {
    assert.deepEqual(findSecrets([PASSWORD], { dirs: [home] }), []);
  });
});
