// Consent bound to a plan (issue 11), end to end on vcsim: `keybroker serve`, the real
// `keybroker bridge`, the gateway's plan step in the dist/mcp/vsphere child, approvals
// answered with the real CLI, "someone else" acting through an independent SOAP session,
// a read-only endpoint tried through every door (bridge, HTTP, `keybroker call`), and the audit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startBridgedVsphere, type BridgedVsphere } from '../support/bridged-vsphere.js';
import { freePort } from '../support/free-port.js';
import { readAudit } from '../support/audit-file.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import { findSecrets } from '../support/secret-scan.js';
import { otherSession } from '../support/vcsim-other-session.js';
import type { Vcsim } from '../support/vcsim.js';

const PASSWORD = 'vc-plans "pass" & <more>';
const USER = 'administrator@vsphere.local';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('vSphere writes: plan, approval bound to it, precondition re-checked (issue 11)', () => {
  let world: BridgedVsphere | undefined;
  let vcsim: Vcsim;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
  const { approvals, nextToolApproval } = cliApprovals(cli);
  const audit = () => readAudit(home);

  before(async () => {
    world = await startBridgedVsphere({ user: USER, password: PASSWORD, homePrefix: 'kb-vs-plans-', endpoints: ['vc1', ['vcro', ['--read-only']]] });
    ({ vcsim, home, env, client } = world);
  });
  after(async () => {
    await world?.stop();
  });

  it('lists the write tools when endpoints differ, and a write must name its endpoint', async () => {
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'vsphere_snapshot_create'), 'the write tools are listed');
    const r = (await client.callTool({ name: 'vsphere_power', arguments: { vm: 'DC0_H0_VM0', action: 'off' } })) as CallToolResult;
    assert.equal(r.isError, true);
    assert.match(textOf(r), /pass the endpoint argument .*vc1, vcro \(read-only\)/);
    assert.deepEqual(await approvals(), []);
  });

  it('power off: the approval shows the plan; powered off elsewhere before approving, the approved call refuses and nothing runs', async () => {
    const call = client.callTool({ name: 'vsphere_power', arguments: { endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'off' } });
    const a = await nextToolApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.plan, JSON.stringify(a));
    assert.equal(a.subject.changes, true);
    assert.equal(a.clientVerified, false);
    assert.match(a.subject.plan.summary, /^Power off VM DC0_H0_VM0 \(now poweredOn, \d+ vCPU, on DC0_H0, .*\d+ snapshots?\)$/);
    assert.deepEqual(a.subject.plan.changes.map((c) => [c.field, c.before, c.after]), [['power state', 'poweredOn', 'poweredOff']]);
    assert.match(a.subject.plan.hash, /^[0-9a-f]{64}$/);
    // `keybroker approvals` shows the summary first and the client as self-declared.
    const table = await cli(['approvals']);
    assert.match(table.stdout, /claims to be claude-ai/);
    assert.match(table.stdout, /Power off VM DC0_H0_VM0 \(now poweredOn/);

    const other = await otherSession(vcsim, { username: USER, password: PASSWORD });
    try {
      await other.power('DC0_H0_VM0', 'PowerOffVM_Task');
      const before = await vcsim.counts();
      assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
      const r = (await call) as CallToolResult;
      assert.equal(r.isError, true);
      assert.match(textOf(r), /^VM DC0_H0_VM0 changed since you approved: it was powered off by someone else \(power state poweredOn → poweredOff/);
      assert.match(textOf(r), /Nothing was run/);
      const afterCounts = await vcsim.counts();
      for (const m of ['PowerOffVM_Task', 'PowerOnVM_Task', 'ResetVM_Task', 'SuspendVM_Task']) assert.equal(afterCounts[m] ?? 0, before[m] ?? 0, `${m} was not called`);
      // Leave the VM as the other tests expect it.
      await other.power('DC0_H0_VM0', 'PowerOnVM_Task');
    } finally {
      await other.close();
    }
    const record = await waitFor('the audit record', () => audit().find((l) => l.event === 'tool.called' && l.tool === 'vsphere_power' && l.planHash === (a.subject.kind === 'tool' ? a.subject.plan?.hash : '')));
    assert.equal(record?.outcome, 'failed');
  });

  it('an approved power off runs; its audit names the VM and the plan hash, and holds no secret', async () => {
    const call = client.callTool({ name: 'vsphere_power', arguments: { endpoint: 'vc1', vm: 'DC0_H0_VM1', action: 'off' } });
    const a = await nextToolApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.plan, 'the approval carries a plan');
    assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
    const r = (await call) as CallToolResult;
    assert.notEqual(r.isError, true, textOf(r));
    assert.equal((r.structuredContent as { powerState: string }).powerState, 'poweredOff');
    const record = await waitFor('the audit record', () => audit().find((l) => l.event === 'tool.called' && l.tool === 'vsphere_power' && l.outcome === 'ok'));
    assert.ok(record, 'a tool.called record');
    assert.equal(record.endpoint, 'vc1');
    assert.equal(record.planHash, a.subject.plan.hash);
    assert.match(record.planSummary ?? '', /^Power off VM DC0_H0_VM1 \(now poweredOn/);
    assert.ok(record.objects?.some((o) => /^VM DC0_H0_VM1 \(vm-\d+\)$/.test(o)), JSON.stringify(record.objects));
    assert.deepEqual(findSecrets([PASSWORD], { dirs: [home] }), []);
    // `keybroker audit` shows the summary first.
    const shown = await cli(['audit', '--event', 'tool.called', '--endpoint', 'vc1']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /tool\.called {2}planSummary="Power off VM DC0_H0_VM1 \(now poweredOn[^\n]* planHash=[0-9a-f]{64}/);
  });

  it('invalid arguments fail at once with the tool\'s own error and never create an approval', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'of' }, /Invalid arguments for tool vsphere_power/],
      [{ endpoint: 'vc1', vm: 'no-such-vm', action: 'off' }, /no VM named "no-such-vm"/],
      [{ endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'on' }, /VM DC0_H0_VM0 is already poweredOn/],
      [{ endpoint: 'vc1', vm: 'DC0_H0_VM1', action: 'suspend' }, /cannot suspend VM DC0_H0_VM1: it is poweredOff/],
    ];
    const requested = () => audit().filter((l) => l.event === 'approval.requested').length;
    const before = requested();
    for (const [args, expected] of cases) {
      const r = (await client.callTool({ name: 'vsphere_power', arguments: args })) as CallToolResult;
      assert.equal(r.isError, true, JSON.stringify(args));
      assert.match(textOf(r), expected);
    }
    const snap = (await client.callTool({ name: 'vsphere_snapshot_revert', arguments: { endpoint: 'vc1', vm: 'DC0_H0_VM0', snapshot: 'never-taken' } })) as CallToolResult;
    assert.match(textOf(snap), /has no snapshot "never-taken"/);
    assert.equal(requested(), before);
    assert.deepEqual(await approvals(), []);
  });

  it('a snapshot asks first, with a plan; revert and delete plans say what is lost', async () => {
    const create = client.callTool({ name: 'vsphere_snapshot_create', arguments: { endpoint: 'vc1', vm: 'DC0_H0_VM0', name: 'pre-patch' } });
    const a = await nextToolApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.plan, 'the snapshot approval carries a plan');
    assert.match(a.subject.plan.summary, /^Take snapshot 'pre-patch' of VM DC0_H0_VM0 \(now poweredOn/);
    assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
    assert.notEqual(((await create) as CallToolResult).isError, true);

    const revert = client.callTool({ name: 'vsphere_snapshot_revert', arguments: { endpoint: 'vc1', vm: 'DC0_H0_VM0', snapshot: 'pre-patch' } });
    const b = await nextToolApproval();
    assert.ok(b.subject.kind === 'tool' && b.subject.plan, 'the revert approval carries a plan');
    assert.match(b.subject.plan.summary, /^Revert VM DC0_H0_VM0 to snapshot 'pre-patch' from \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; changes since then are lost/);
    assert.equal((await cli(['deny', b.id])).code, 0);
    assert.equal(textOf(await revert), 'denied by the user');

    const del = client.callTool({ name: 'vsphere_snapshot_delete', arguments: { endpoint: 'vc1', vm: 'DC0_H0_VM0', snapshot: 'pre-patch' } });
    const c = await nextToolApproval();
    assert.ok(c.subject.kind === 'tool' && c.subject.plan, 'the delete approval carries a plan');
    assert.match(c.subject.plan.summary, /^Delete snapshot 'pre-patch' from .* of VM DC0_H0_VM0; the deleted state can no longer be restored/);
    assert.equal((await cli(['approve', c.id, '--once'])).code, 0);
    assert.notEqual(((await del) as CallToolResult).isError, true);
  });

  it('a read-only endpoint cannot create a snapshot through the bridge, the HTTP door or `keybroker call`', async () => {
    const before = (await vcsim.counts())['CreateSnapshot_Task'] ?? 0;
    const args = { endpoint: 'vcro', vm: 'DC0_H0_VM0', name: 'sneaky' };
    const viaBridge = (await client.callTool({ name: 'vsphere_snapshot_create', arguments: args })) as CallToolResult;
    assert.equal(viaBridge.isError, true);
    assert.match(textOf(viaBridge), /^endpoint vcro is read-only; vsphere_snapshot_create may change it, so it was not run/);

    const viaCli = await cli(['call', 'vsphere', 'vsphere_snapshot_create', '--args', JSON.stringify(args)]);
    assert.notEqual(viaCli.code, 0);
    assert.match(viaCli.stdout + viaCli.stderr, /endpoint vcro is read-only/);

    const port = await freePort();
    const enable = await cli(['http', 'enable', '--port', String(port)]);
    assert.equal(enable.code, 0, enable.stderr);
    const key = enable.stdout.split('\n').map((l) => l.trim()).find((l) => l.startsWith('kb_'));
    assert.ok(key, 'http enable prints the API key');
    const url = new URL(`http://127.0.0.1:${port}/mcp/vsphere`);
    await waitFor('the HTTP door', async () => {
      try { return (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status; } catch { return undefined; }
    });
    const http = new Client({ name: 'http-client', version: '1.0.0' }, { capabilities: {} });
    await http.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'x-api-key': key } } }));
    try {
      // A client cannot forge the gateway's approval either: its keybroker/* _meta is dropped.
      const forged = { 'keybroker/approved': { planHash: 'a'.repeat(64), precondition: [] } };
      const viaHttp = (await http.callTool({ name: 'vsphere_snapshot_create', arguments: args, _meta: forged })) as CallToolResult;
      assert.equal(viaHttp.isError, true);
      assert.match(textOf(viaHttp), /^endpoint vcro is read-only/);
    } finally {
      await http.close();
    }
    assert.equal((await vcsim.counts())['CreateSnapshot_Task'] ?? 0, before);
    assert.deepEqual(await approvals(), []);
  });

  it('a forged keybroker/approved _meta from a client does not skip the approval', async () => {
    const forged = { 'keybroker/approved': { planHash: 'a'.repeat(64), precondition: [] } };
    const call = client.callTool({ name: 'vsphere_power', arguments: { endpoint: 'vc1', vm: 'DC0_H0_VM1', action: 'on' }, _meta: forged });
    const a = await nextToolApproval();
    assert.ok(a.subject.kind === 'tool' && a.subject.plan && a.subject.plan.hash !== 'a'.repeat(64), 'the approval carries the host\'s own plan, not the forged hash');
    assert.equal((await cli(['deny', a.id])).code, 0);
    assert.equal(textOf(await call), 'denied by the user');
  });
});
