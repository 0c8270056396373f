// E7-redteam: a config.json writer (malware running as the user, who cannot click a prompt)
// against D259's confirmed policy. A real test-server child behind the Gateway, the headless
// approver answered by hand, the host's PolicyConsent shown each config as a reload does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Config } from '../../../src/base/contracts/config.js';
import type { ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { LOOSENING_CUT } from '../../../src/base/policy/policy-loosenings.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const withPolicy = (policy: Record<string, unknown>) => Config.parse({ ...gatewayConfig(), policy: { ...gatewayConfig().policy, ...policy } });
const ofKind = (list: ApprovalRequest[], kind: ApprovalRequest['subject']['kind']) => list.filter((a) => a.subject.kind === kind);
type World = ReturnType<typeof makeGateway>;

/** The person's rate: two destroys per 10 minutes on an endpoint, then each asks. */
const RATE = { name: 'destroys', tools: ['destroy'], max: 2, windowSeconds: 600 };
const limitsWith = (rates: unknown[]) => ({ rates, maxObjectsPerCall: 20, breaker: { failures: 5, coolDownSeconds: 60 } });

async function withGateway(start: Config, clock: ManualClock | undefined, body: (g: World, client: Client) => Promise<void>): Promise<void> {
  const g = makeGateway(start, { policyConsent: true, ...(clock && { clock }) });
  g.startChild();
  try {
    await body(g, await g.connect());
  } finally {
    await g.dispose();
  }
}

/**
 * Call destroy on `target`: 'ran' when it ran without anyone asked, else the approval it is held
 * for (left pending), or 'refused' with the refusal's text when it was not run and nobody was asked.
 */
async function destroy(g: World, client: Client, target: string): Promise<{ ran: true } | { held: ApprovalRequest; call: Promise<unknown> } | { refused: string }> {
  const before = new Set(g.pending.list().map((a) => a.id));
  let settled: CallToolResult | undefined;
  const call = client.callTool({ name: 'destroy', arguments: { target } }).then((r) => (settled = r as CallToolResult));
  // A held call left pending ends with the session; the test has its answer by then.
  call.catch(() => undefined);
  let held: ApprovalRequest | undefined;
  await until(`destroy ${target} ran, was refused or was held`, () => settled !== undefined || (held = ofKind(g.pending.list(), 'tool').find((a) => !before.has(a.id))) !== undefined);
  if (held) return { held, call };
  if (settled!.isError) return { refused: textOf(settled) };
  assert.equal(textOf(settled), `destroyed ${target}`, 'the call ran');
  return { ran: true };
}

describe('PolicyConsent against a config.json writer (E7-redteam)', () => {
  it('a confirmed rate config.json keeps by name but points at other tools still counts: the third destroy in the window asks', async () => {
    await withGateway(withPolicy({ allow: ['test/destroy'], limits: limitsWith([RATE]) }), undefined, async (g, client) => {
      // The writer keeps the limit's name and moves its tools elsewhere (a loosening that waits).
      g.setConfig(withPolicy({ allow: ['test/destroy'], limits: limitsWith([{ ...RATE, tools: ['nothing'] }]) }));
      assert.deepEqual(await destroy(g, client, 'a'), { ran: true }, 'the first is within the confirmed rate');
      assert.deepEqual(await destroy(g, client, 'b'), { ran: true }, 'the second is within the confirmed rate');
      const third = await destroy(g, client, 'c');
      assert.ok('held' in third, `the third destroy in 10 minutes ran without asking: the confirmed rate of 2 stopped counting once config.json renamed its tools (${JSON.stringify(third)})`);
      assert.ok(third.held.subject.kind === 'tool' && third.held.subject.reasons?.some((r) => r.includes('policy.limits were raised past the confirmed ones')), `the approval names the confirmed limit: ${JSON.stringify(third.held.subject)}`);
      g.pending.decide(third.held.id, 'deny');
      await third.call;
    });
  });

  it('a rate config.json adds beside the confirmed one, under its name with a one-second window, does not empty its count: the third destroy asks', async () => {
    const clock = new ManualClock();
    await withGateway(withPolicy({ allow: ['test/destroy'], limits: limitsWith([RATE]) }), clock, async (g, client) => {
      // Looks like a tightening (the confirmed rate is still there), so it is confirmed at once;
      // put first, its check forgets every count of the name older than a second.
      g.setConfig(withPolicy({ allow: ['test/destroy'], limits: limitsWith([{ ...RATE, max: 100_000, windowSeconds: 1 }, RATE]) }));
      assert.deepEqual(await destroy(g, client, 'a'), { ran: true }, 'the first is within the rate');
      clock.advance(2_000);
      assert.deepEqual(await destroy(g, client, 'b'), { ran: true }, 'the second is within the rate');
      clock.advance(2_000);
      const third = await destroy(g, client, 'c');
      assert.ok('held' in third, `the third destroy in 10 minutes ran without asking: the one-second rate of the same name emptied the 10-minute count (${JSON.stringify(third)})`);
      assert.ok(third.held.subject.kind === 'tool' && third.held.subject.reasons?.some((r) => r.startsWith("limit 'destroys' reached: 2 per 10 min")), `the approval names the limit: ${JSON.stringify(third.held.subject)}`);
      g.pending.decide(third.held.id, 'deny');
      await third.call;
    });
  });

  /** The person's guard: destroy on vc1 is refused, whoever approves it. */
  const NEVER = { tool: 'destroy', endpoint: 'vc1', action: 'deny', reason: 'never on vc1' };

  it('a deny rule config.json removes still refuses until a person allows the removal at its prompt; then the call asks', async () => {
    await withGateway(withPolicy({ rules: [NEVER] }), undefined, async (g, client) => {
      g.setConfig(gatewayConfig());
      const first = await destroy(g, client, 'a');
      assert.ok('refused' in first, `a destroy the confirmed deny refuses was held for an approval a person could click instead: ${JSON.stringify('held' in first ? first.held.subject : first)}`);
      assert.match(first.refused, /^destroy was not run: policy\.rules\[0\] denies it: never on vc1 \(the rule a person confirmed; config\.json no longer refuses destroy on vc1/, 'the refusal names the confirmed rule and the waiting change');
      const policy = await until('the policy prompt', () => ofKind(g.pending.list(), 'policy').length === 1).then(() => ofKind(g.pending.list(), 'policy')[0]!);
      assert.ok(policy.subject.kind === 'policy', 'a policy prompt');
      assert.deepEqual(policy.subject.loosenings, ['config.json no longer refuses destroy on vc1 (policy.rules[0] refused it: never on vc1)', 'config.json no longer has the rule that made destroy on vc1 ("never on vc1") refused'], 'the prompt says the refusal goes');
      const record = g.audit.find((r) => r.event === 'tool.called' && r.tool === 'destroy');
      assert.deepEqual([record?.outcome, record?.decision, record?.rule], ['denied', 'deny', 0], 'audited as the confirmed deny');
      g.pending.decide(policy.id, 'allow-once');
      await g.consent!.settled();
      const second = await destroy(g, client, 'b');
      assert.ok('held' in second, `once allowed, config.json's policy is in force: every change asks (${JSON.stringify(second)})`);
      g.pending.decide(second.held.id, 'allow-once');
      assert.equal(textOf(await second.call), 'destroyed b');
    });
  });

  it('a call config.json still refuses (its own deny first, beside a loosening elsewhere) is refused as config.json says, with no policy prompt about it', async () => {
    await withGateway(withPolicy({ rules: [NEVER] }), undefined, async (g, client) => {
      // The allow entry is a loosening that waits, so the confirmed policy is not config.json's.
      g.setConfig(withPolicy({ allow: ['test/echo'], rules: [{ tool: 'destroy', action: 'deny', reason: 'not today' }, NEVER] }));
      const first = await destroy(g, client, 'a');
      assert.deepEqual(first, { refused: 'destroy was not run: policy.rules[0] denies it: not today' }, 'refused by config.json\'s own first deny, nothing said of a waiting change');
      assert.deepEqual(ofKind(g.pending.list(), 'policy'), [], 'no policy prompt: nothing waits for a person');
    });
  });

  it('an ask rule config.json puts ahead of a confirmed deny is a loosening: the call is still refused, and the prompt says the ask now comes first', async () => {
    await withGateway(withPolicy({ rules: [NEVER] }), undefined, async (g, client) => {
      g.setConfig(withPolicy({ rules: [{ tool: 'destroy', action: 'ask', reason: 'look first' }, NEVER] }));
      const first = await destroy(g, client, 'a');
      assert.ok('refused' in first, `an ask rule put ahead of the confirmed deny made its destroy an approval a person could click: ${JSON.stringify('held' in first ? first.held.subject : first)}`);
      const policy = await until('the policy prompt', () => ofKind(g.pending.list(), 'policy').length === 1).then(() => ofKind(g.pending.list(), 'policy')[0]!);
      assert.ok(policy.subject.kind === 'policy', 'a policy prompt');
      assert.deepEqual(policy.subject.loosenings, [
        'config.json no longer refuses destroy on vc1 (policy.rules[0] refused it: never on vc1)',
        'config.json now makes destroy on any endpoint ("look first") ask ahead of the rule that makes destroy on vc1 ("never on vc1") refused, so some of those calls ask instead (policy.rules[0])',
      ], 'the prompt says what the ask rule does to the deny');
      g.pending.decide(policy.id, 'deny');
    });
  });

  it('an endpoint made read-write while nothing was allowed is still named when an allow comes back: the prompt says it was read-only', async () => {
    const readOnly = (ro: boolean, policy: Record<string, unknown>) => Config.parse({ ...gatewayConfig({ readOnly: ro }), policy: { ...gatewayConfig().policy, ...policy } });
    await withGateway(readOnly(true, { allow: ['test/destroy'] }), undefined, async (g, client) => {
      // Step 1: the person's allow taken out (a tightening) and vc1 made read-write: nothing is allowed, so nothing waits.
      g.setConfig(readOnly(false, {}));
      // Step 2: the person's own allow put back: a prompt the person knows, for a rule that now reaches vc1.
      g.setConfig(readOnly(false, { allow: ['test/destroy'] }));
      const held = await destroy(g, client, 'a');
      assert.ok('held' in held, `destroy ran on vc1 without asking: ${JSON.stringify(held)}`);
      const policy = await until('the policy prompt', () => ofKind(g.pending.list(), 'policy').length === 1).then(() => ofKind(g.pending.list(), 'policy')[0]!);
      assert.ok(policy.subject.kind === 'policy' && policy.subject.loosenings.includes('config.json makes vc1 read-write (it was read-only)'), `the prompt for the allow put back does not say that vc1, read-only when the person allowed it, is now read-write: ${JSON.stringify(policy.subject)}`);
      assert.ok(held.held.subject.kind === 'tool' && held.held.subject.reasons?.[0]?.includes('vc1 was made read-write'), `the held call says why: ${JSON.stringify(held.held.subject)}`);
      g.pending.decide(policy.id, 'deny');
      g.pending.decide(held.held.id, 'deny');
      await held.call;
    });
  });

  it('a loosening too long for the prompt\'s line says it was cut, so the part a person does not see is not taken as absent', async () => {
    // 40 lab folders first, the production one last: cut silently at 512 characters, the line reads as lab only.
    const folders = [...Array.from({ length: 40 }, (_, i) => `Lab/team-${String(i).padStart(2, '0')}-sandbox`), 'Prod/*'];
    await withGateway(gatewayConfig(), undefined, async (g, client) => {
      g.setConfig(withPolicy({ allow: ['test/destroy'], rules: [{ tool: 'vsphere_power', when: { folder: folders }, action: 'allow', reason: 'lab power' }] }));
      const held = await destroy(g, client, 'a');
      assert.ok('held' in held, 'the destroy waits');
      const policy = await until('the policy prompt', () => ofKind(g.pending.list(), 'policy').length === 1).then(() => ofKind(g.pending.list(), 'policy')[0]!);
      assert.ok(policy.subject.kind === 'policy', 'a policy prompt');
      const line = policy.subject.loosenings.find((l) => l.startsWith('config.json now lets vsphere_power on any endpoint when'));
      assert.ok(line, `the rule is listed: ${JSON.stringify(policy.subject.loosenings)}`);
      assert.ok(line.includes('Prod/*') || line.endsWith(LOOSENING_CUT), `the line was cut where nobody can tell, before the production folder: ${line}`);
      assert.ok(line.length <= 400, 'it fits what the popup and keybroker approvals show of a line, so the note is seen');
      g.pending.decide(policy.id, 'deny');
      g.pending.decide(held.held.id, 'deny');
      await held.call;
    });
  });

  // Mutation survivors of gateway.ts's ranged run (countCall, confirmedDeny).
  it('a rate both the confirmed policy and config.json keep counts each call once while a loosening elsewhere waits', async () => {
    await withGateway(withPolicy({ allow: ['test/destroy'], limits: limitsWith([RATE]) }), undefined, async (g, client) => {
      g.setConfig(withPolicy({ allow: ['test/destroy', 'test/echo'], limits: limitsWith([RATE]) }));
      assert.deepEqual(await destroy(g, client, 'a'), { ran: true }, 'the first is within the rate');
      assert.deepEqual(await destroy(g, client, 'b'), { ran: true }, 'the second is within the rate of 2: the first was counted once, not twice');
      const third = await destroy(g, client, 'c');
      assert.ok('held' in third, `the third asks: ${JSON.stringify(third)}`);
      g.pending.decide(third.held.id, 'deny');
      await third.call;
    });
  });

  it('a call with no endpoint: a read runs beside a waiting loosening, and one a dropped deny refuses says so without an endpoint', async () => {
    const none = (policy: Record<string, unknown>) => Config.parse({ version: 1, policy });
    await withGateway(none({ rules: [{ tool: 'target', action: 'deny', reason: 'no target' }] }), undefined, async (g, client) => {
      g.setConfig(none({ allow: ['test/destroy'] }));
      const echoed = await client.callTool({ name: 'echo', arguments: { text: 'hi' } }) as CallToolResult;
      assert.equal(textOf(echoed), 'hi', 'a read with no endpoint runs');
      const refused = await client.callTool({ name: 'target', arguments: {} }) as CallToolResult;
      assert.equal(textOf(refused), 'target was not run: policy.rules[0] denies it: no target (the rule a person confirmed; config.json no longer refuses target (policy.rules[0] refused it: no target), but no person has allowed that yet: another prompt asks about it)', 'refused by the confirmed deny, naming no endpoint');
      const policy = await until('the policy prompt', () => ofKind(g.pending.list(), 'policy').length === 1).then(() => ofKind(g.pending.list(), 'policy')[0]!);
      assert.ok(policy.subject.kind === 'policy' && policy.subject.loosenings[0] === 'config.json no longer refuses target (policy.rules[0] refused it: no target)', JSON.stringify(policy.subject));
      g.pending.decide(policy.id, 'deny');
    });
  });
});

