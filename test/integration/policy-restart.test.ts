// D281, end to end on real parts: `keybroker serve`, the private Secret Service
// (where the confirmed policy's digest is kept), vcsim, the built vSphere child behind the real
// bridge, approvals answered with the real CLI. The writer edits config.json while KeyBroker is
// not running (adds `policy.allow: ["vsphere/vsphere_power"]`) and waits for the next start.
// Before the fix the start's config was taken as confirmed: after the person's unlock the
// power-off ran with no approval.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { startBridgedVsphere, type BridgedVsphere } from '../support/bridged-vsphere.js';
import { startBridgedServe } from '../support/bridged-serve.js';
import type { ServeProcess } from '../support/serve-process.js';
import { readAudit } from '../support/audit-file.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';

const PASSWORD = 'vc-restart-pass';
const USER = 'administrator@vsphere.local';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('a policy config.json loosens while KeyBroker is not running needs a person at the next start (D281)', () => {
  let world: BridgedVsphere | undefined;
  let serve: ServeProcess | undefined;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin, timeoutMs: 120_000 });
  const { approvals, approvingUnlocks } = cliApprovals(cli);
  const call = (args: Record<string, unknown>) => client.callTool({ name: 'vsphere_power', arguments: args }, undefined, { timeout: 300_000 }) as Promise<CallToolResult>;
  const ofKind = (list: ApprovalRequest[], kind: string) => list.filter((a) => a.subject.kind === kind);
  const atStart = () => readAudit(home).filter((l) => l.event === 'config.changed' && String(l.reason).startsWith('at start'));

  /** Stop `keybroker serve`, let `edit` change config.json meanwhile, start it again. */
  const restart = async (edit?: (config: { policy?: Record<string, unknown> }) => void) => {
    await client.close();
    await (serve ?? world!.serve).stop();
    if (edit) {
      const file = path.join(home, 'config.json');
      const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { policy?: Record<string, unknown> };
      edit(config);
      fs.writeFileSync(file, JSON.stringify(config, null, 2));
    }
    ({ serve, client } = await startBridgedServe(env, cli, 'vsphere'));
  };

  before(async () => {
    world = await startBridgedVsphere({ user: USER, password: PASSWORD, homePrefix: 'kb-policy-restart-', endpoints: ['vc1'] });
    ({ home, env, client } = world);
  });
  after(async () => {
    await client?.close();
    await serve?.stop();
    await world?.stop();
  });

  it('an allow written while serve was stopped asks at the next start, its prompt saying so; allowed, it is remembered by the start after', async () => {
    // The first start had nothing to compare with: it took config.json's policy and recorded it.
    await waitFor('the first start\'s record', () => (fs.existsSync(path.join(home, 'policy-confirmed.json')) ? true : undefined));
    assert.deepEqual(atStart(), [], 'a first start asks nobody');

    await restart((config) => { config.policy = { ...config.policy, allow: ['vsphere/vsphere_power'] }; });

    // The writer's power-off: after the person's unlock it is held, and a policy prompt is up.
    const attack = call({ endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'off' });
    // Before the fix it ran once the unlock was allowed: fail at once with what it did.
    const ranUnasked = attack.then((r) => assert.fail(`the power-off ran without asking: ${textOf(r)}`));
    // The unlock is the person's (the restart dropped it); only unlock prompts are answered here.
    const held = await Promise.race([waitFor('the held call', async () => {
      const list = await approvals();
      for (const unlock of ofKind(list, 'unlock')) await cli(['approve', unlock.id]);
      return ofKind(list, 'tool')[0];
    }), ranUnasked]);
    ranUnasked.catch(() => undefined);
    assert.ok(held.subject.kind === 'tool', 'a tool approval');
    assert.deepEqual(held.subject.reasons, ['config.json now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power), but no person has allowed that yet (another prompt asks about it), so this call asks']);
    const [changed] = atStart(); // the start said it at once, in the audit and on stderr
    assert.equal(changed?.reason, 'at start: config.json was changed while KeyBroker was not running; waiting for a person to allow: config.json now lets vsphere/vsphere_power run without asking (policy.allow)');
    assert.match(serve!.stderr(), /at start: config\.json was changed while KeyBroker was not running; .*see 'keybroker approvals'/, 'serve says it too');
    const policy = await waitFor('the policy prompt', async () => ofKind(await approvals(), 'policy')[0]);
    assert.ok(policy.subject.kind === 'policy', 'a policy prompt');
    assert.deepEqual(policy.subject.loosenings, [
      'config.json, changed while KeyBroker was not running, now lets vsphere_power run on vc1 without asking (policy.allow names vsphere/vsphere_power)',
      'config.json, changed while KeyBroker was not running, now lets vsphere/vsphere_power run without asking (policy.allow)',
    ]);
    assert.equal((await cli(['deny', held.id])).code, 0);
    assert.equal((await attack).isError, true, 'the write did not run');

    // The person made this change by hand: they allow it once, and the next start remembers it.
    assert.equal((await cli(['approve', policy.id])).code, 0);
    await waitFor('policy.approved', () => readAudit(home).find((l) => l.event === 'policy.approved'));
    await restart();
    assert.equal(atStart().length, 1, 'the start after the allow asks nobody');
    const ran = await approvingUnlocks(call({ endpoint: 'vc1', vm: 'DC0_H0_VM0', action: 'off' }), { refuseTool: true });
    assert.match(textOf(ran), /poweredOn → poweredOff/, 'the allowed rule runs without asking after a restart');
  });
});
