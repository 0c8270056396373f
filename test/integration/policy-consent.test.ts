// D1-policyconsent, end to end on real parts: `keybroker serve`, the private Secret Service,
// vcsim, the built vSphere child behind the real bridge, approvals answered with the real CLI.
// The attacker is a process running as the user that writes config.json and reaches the control
// socket (it sends `config.reload`), but cannot answer a prompt: while the person's unlock of
// vc1 lasts, it adds `policy.allow: ["vsphere/vsphere_power"]`. Before the fix the next power-off
// ran with no approval at all, only a `config.changed` line recorded it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { ControlClient } from '../../src/platform/control/control-client.js';
import { startBridgedVsphere, type BridgedVsphere } from '../support/bridged-vsphere.js';
import { readAudit } from '../support/audit-file.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';

const PASSWORD = 'vc-consent-pass';
const USER = 'administrator@vsphere.local';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('a policy config.json loosens while the host runs needs a person (D1-policyconsent)', () => {
  let world: BridgedVsphere | undefined;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin, timeoutMs: 120_000 });
  const { approvals, nextToolApproval } = cliApprovals(cli);
  const call = (args: Record<string, unknown>) => client.callTool({ name: 'vsphere_power', arguments: args }, undefined, { timeout: 300_000 }) as Promise<CallToolResult>;
  const ofKind = (list: ApprovalRequest[], kind: string) => list.filter((a) => a.subject.kind === kind);

  /** What the attacker does: edit config.json by hand, then ask the host to reload it. */
  const attackerAllows = async (allow: unknown[]) => {
    const file = path.join(home, 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { policy?: Record<string, unknown> };
    config.policy = { ...config.policy, allow };
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    const control = await ControlClient.connect(home, { env });
    try {
      await control.call('config.reload', { changedCredentials: [] });
    } finally {
      control.close();
    }
  };

  before(async () => {
    world = await startBridgedVsphere({ user: USER, password: PASSWORD, homePrefix: 'kb-policy-consent-', endpoints: ['vc1'] });
    ({ home, env, client } = world);
  });
  after(async () => {
    await world?.stop();
  });

  it('an allow added while vc1 is unlocked does not let vsphere_power run unasked; the person allows the rule at its prompt, then it does', async () => {
    // The person powers a VM off: unlock allowed, the write approved (both through the CLI).
    const first = call({ endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'off' });
    assert.equal((await cli(['approve', (await nextToolApproval()).id])).code, 0);
    assert.match(textOf(await first), /poweredOn → poweredOff/);

    await attackerAllows(['vsphere/vsphere_power']);
    const changed = await waitFor('the config.changed record', () => readAudit(home).find((l) => l.event === 'config.changed'));
    assert.match(String(changed.reason), /waiting for a person to allow: config\.json now lets vsphere\/vsphere_power run without asking \(policy\.allow\)/);

    // The attacker's power-on: held for a per-call approval, and a policy prompt is up beside it.
    const attack = call({ endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'on' });
    // Before the fix it ran unasked: fail at once with what it did, not at the hang guard.
    const ranUnasked = attack.then((r) => assert.fail(`the power-on ran without asking: ${textOf(r)}`));
    const held = await Promise.race([waitFor('the held call', async () => ofKind(await approvals(), 'tool')[0]), ranUnasked]);
    ranUnasked.catch(() => undefined);
    assert.ok(held.subject.kind === 'tool', 'a tool approval');
    assert.deepEqual(held.subject.reasons, ['config.json now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power), but no person has allowed that yet (another prompt asks about it), so this call asks']);
    const policy = await waitFor('the policy prompt', async () => ofKind(await approvals(), 'policy')[0]);
    const shown = await cli(['approvals']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /policy: config\.json now lets vsphere_power run on vc1 without/);
    assert.match(shown.stdout, new RegExp(`^${policy.id}  config\\.json changed the policy so that changes run without asking; allow these rules\\?$`, 'm'));
    assert.match(shown.stdout, /^ {10}config\.json now lets vsphere\/vsphere_power run without asking \(policy\.allow\)$/m);
    assert.equal((await cli(['deny', held.id])).code, 0);
    const refused = await attack;
    assert.equal(refused.isError, true, 'the attacker\'s write did not run');
    const record = await waitFor('the refused call\'s record', () => readAudit(home).find((l) => l.event === 'tool.called' && l.outcome === 'denied'));
    assert.equal(record.decision, 'ask');
    assert.match(String(record.ruleReason), /^waiting for a person to allow it: config\.json now lets vsphere_power run on vc1 without asking/);

    // The person reads the prompt and allows the rule: from then on it is theirs.
    assert.equal((await cli(['approve', policy.id])).code, 0);
    await waitFor('policy.approved', () => readAudit(home).find((l) => l.event === 'policy.approved'));
    const allowed = await call({ endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'on' });
    assert.match(textOf(allowed), /poweredOff → poweredOn/);
    assert.deepEqual(await approvals(), [], 'the allowed rule let it run without asking');
  });
});
