// D1-policyconsent: a policy that config.json loosens while the host runs is in force only once
// a person allowed it at a prompt; until then each call it would let through asks as before.
// A real test-server child behind the Gateway, the headless approver answered by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Config } from '../../../src/base/contracts/config.js';
import { MAX_POLICY_LOOSENINGS, type ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { until } from '../../support/wait.js';
import { ManualClock } from '../../mocks/manual-clock.js';

import { gatewayConfig, makeGateway } from './gateway-harness.js';
import { POLICY_PROMPTS_WITHDRAWN_PER_MINUTE } from '../../../src/platform/gateway/policy-consent.js';
import { LOOSENING_CUT, LOOSENING_SHOWN_CHARS } from '../../../src/base/policy/policy-loosenings.js';

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const withPolicy = (policy: Record<string, unknown>, opts: { readOnly?: boolean } = {}) => Config.parse({ ...gatewayConfig(opts), policy: { ...gatewayConfig().policy, ...policy } });
const ALLOW_DESTROY = { allow: ['test/destroy'] };
const ofKind = (list: ApprovalRequest[], kind: ApprovalRequest['subject']['kind']) => list.filter((a) => a.subject.kind === kind);

type World = ReturnType<typeof makeGateway>;

/** Poll `find` until it gives a value (the hang guard of `until` names `what`). */
async function found<T>(what: string, find: () => T | undefined): Promise<T> {
  let value: T | undefined;
  await until(what, () => (value = find()) !== undefined);
  return value!;
}

/** A gateway with consent kept, started on `start`; `body` gets it and a connected client. */
async function withGateway(start: Config, body: (g: World, client: Client) => Promise<void>, clock?: ManualClock, restart?: { remembered?: Config; record?: { save(c: Config): void; saved(): Promise<void> } }): Promise<void> {
  const g = makeGateway(start, { policyConsent: true, ...(clock && { clock }), ...restart });
  g.startChild();
  try {
    await body(g, await g.connect());
  } finally {
    await g.dispose();
  }
}

/** Call destroy and wait until it is held: returns the call and its tool approval. */
async function heldDestroy(g: World, client: Client, target: string) {
  const before = new Set(g.pending.list().map((a) => a.id));
  const call = client.callTool({ name: 'destroy', arguments: { target } });
  // A call that runs unasked fails here at once, not at the hang guard.
  const ranUnasked = call.then((r) => assert.fail(`destroy ${target} ran without asking: ${textOf(r)}`));
  const approval = await Promise.race([found('a tool approval', () => ofKind(g.pending.list(), 'tool').find((a) => !before.has(a.id))), ranUnasked]);
  ranUnasked.catch(() => undefined);
  return { call, approval };
}

describe('PolicyConsent in the gateway (D1-policyconsent)', () => {
  it('a policy.allow that config.json adds while the host runs does not let the write run: it asks, a policy prompt says the rule in plain words, the audit names it', async () => {
    await withGateway(gatewayConfig(), async (g, client) => {
      g.setConfig(withPolicy(ALLOW_DESTROY));
      const { call, approval } = await heldDestroy(g, client, 'a');
      assert.ok(approval.subject.kind === 'tool', 'held for a per-call approval');
      assert.deepEqual(approval.subject.reasons, ['config.json now lets destroy run on vc1 without asking (policy.allow names test/destroy), but no person has allowed that yet (another prompt asks about it), so this call asks']);
      const policy = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      assert.ok(policy.subject.kind === 'policy', 'a policy prompt');
      assert.deepEqual(policy.subject.loosenings, ['config.json now lets destroy run on vc1 without asking (policy.allow names test/destroy)', 'config.json now lets test/destroy run without asking (policy.allow)']);
      assert.deepEqual([policy.server, policy.endpoint], ['test', 'vc1']);
      g.pending.decide(approval.id, 'allow-once');
      assert.equal(textOf(await call), 'destroyed a');
      const record = g.audit.find((r) => r.event === 'tool.called' && r.tool === 'destroy');
      assert.equal(record?.decision, 'ask', 'audited as the ask it was');
      assert.match(String(record?.ruleReason), /^waiting for a person to allow it: config\.json now lets destroy run on vc1 without asking \(policy\.allow names test\/destroy\)$/);
      const requested = g.audit.find((r) => r.event === 'approval.requested' && r.approvalId === policy.id);
      assert.match(String(requested?.reason), /policy\.allow names test\/destroy/, 'the prompt request is audited with the rule');
      g.pending.decide(policy.id, 'deny');
    });
  });

  it('once a person allows the rule at its prompt, the next call runs without asking; audited policy.approved', async () => {
    await withGateway(gatewayConfig(), async (g, client) => {
      g.setConfig(withPolicy(ALLOW_DESTROY));
      const { call, approval } = await heldDestroy(g, client, 'a');
      const policy = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      g.pending.decide(policy.id, 'allow-once');
      await g.consent!.settled();
      g.pending.decide(approval.id, 'allow-once');
      assert.equal(textOf(await call), 'destroyed a');
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'b' } })), 'destroyed b');
      assert.deepEqual(g.pending.list(), [], 'nobody was asked for b');
      const records = g.audit.filter((r) => r.event === 'tool.called' && r.tool === 'destroy');
      assert.deepEqual(records.map((r) => r.decision), ['ask', 'allow']);
      assert.equal(g.audit.filter((r) => r.event === 'policy.approved').length, 1, 'the consent is audited');
    });
  });

  it('after the person denies the rule, calls keep asking and the same rule is not asked about again; a changed rule is', async () => {
    await withGateway(gatewayConfig(), async (g, client) => {
      g.setConfig(withPolicy(ALLOW_DESTROY));
      const first = await heldDestroy(g, client, 'a');
      const policy = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      g.pending.decide(policy.id, 'deny');
      await g.consent!.settled();
      g.pending.decide(first.approval.id, 'deny');
      assert.equal((await first.call as CallToolResult).isError, true);
      const second = await heldDestroy(g, client, 'b');
      assert.deepEqual(ofKind(g.pending.list(), 'policy'), [], 'no second prompt for the denied rule');
      g.pending.decide(second.approval.id, 'allow-once');
      assert.equal(textOf(await second.call), 'destroyed b');
      assert.equal(g.audit.filter((r) => r.event === 'policy.denied').length, 1);
      g.setConfig(withPolicy({ rules: [{ tool: 'destroy', action: 'allow', reason: 'lab writes' }] }));
      const third = await heldDestroy(g, client, 'c');
      const again = await found('a prompt for the new rule', () => ofKind(g.pending.list(), 'policy')[0]);
      assert.ok(again.subject.kind === 'policy', 'a policy prompt');
      assert.equal(again.subject.loosenings[0], 'config.json now lets destroy run on vc1 without asking (policy.rules[0] allows it: lab writes)');
      assert.ok(again.subject.loosenings.includes('config.json now lets destroy on any endpoint ("lab writes") run without asking (policy.rules[0])'), JSON.stringify(again.subject.loosenings));
      g.pending.decide(again.id, 'deny');
      g.pending.decide(third.approval.id, 'deny');
      await third.call;
    });
  });

  it('rules present when the host starts are in force; removing an allow takes effect at once, and putting it back asks again', async () => {
    await withGateway(withPolicy(ALLOW_DESTROY), async (g, client) => {
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'a' } })), 'destroyed a');
      g.setConfig(gatewayConfig());
      const held = await heldDestroy(g, client, 'b');
      assert.ok(held.approval.subject.kind === 'tool', 'a tool approval');
      assert.equal(held.approval.subject.reasons, undefined, 'an ordinary write approval: the allow is gone');
      assert.deepEqual(ofKind(g.pending.list(), 'policy'), [], 'a tightening asks nobody');
      g.pending.decide(held.approval.id, 'deny');
      await held.call;
      g.setConfig(withPolicy(ALLOW_DESTROY));
      const back = await heldDestroy(g, client, 'c');
      assert.ok(back.approval.subject.kind === 'tool' && back.approval.subject.reasons?.[0]?.startsWith('config.json now lets destroy run on vc1 without asking'), 'the re-added allow waits for a person');
      g.pending.decide(back.approval.id, 'deny');
      await back.call;
    });
  });

  it('an endpoint config.json makes read-write is not written to without asking by an allow the person made for it read-only', async () => {
    await withGateway(withPolicy(ALLOW_DESTROY, { readOnly: true }), async (g, client) => {
      const refused = (await client.callTool({ name: 'destroy', arguments: { target: 'a' } })) as CallToolResult;
      assert.match(textOf(refused), /vc1 is read-only/);
      g.setConfig(withPolicy(ALLOW_DESTROY, { readOnly: false }));
      const held = await heldDestroy(g, client, 'b');
      assert.ok(held.approval.subject.kind === 'tool', 'a tool approval');
      assert.deepEqual(held.approval.subject.reasons, ['config.json now lets destroy run on vc1 without asking (vc1 was made read-write), but no person has allowed that yet (another prompt asks about it), so this call asks']);
      const policy = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      assert.ok(policy.subject.kind === 'policy' && policy.subject.loosenings.includes('config.json makes vc1 read-write (it was read-only)'), 'the prompt says what changed');
      g.pending.decide(policy.id, 'deny');
      g.pending.decide(held.approval.id, 'deny');
      await held.call;
    });
  });

  it('raised blast-radius limits do not let more changes through without asking than the confirmed limits', async () => {
    const limits = (max: number) => ({ rules: [{ tool: 'destroy', action: 'allow', reason: 'ok' }], limits: { rates: [{ name: 'destroys', tools: ['destroy'], max, windowSeconds: 600 }] } });
    await withGateway(withPolicy(limits(1)), async (g, client) => {
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'a' } })), 'destroyed a');
      g.setConfig(withPolicy(limits(100)));
      const held = await heldDestroy(g, client, 'b');
      assert.ok(held.approval.subject.kind === 'tool', 'a tool approval');
      assert.deepEqual(held.approval.subject.reasons, ['config.json now lets destroy run on vc1 without asking (policy.limits were raised past the confirmed ones), but no person has allowed that yet (another prompt asks about it), so this call asks']);
      g.pending.decide(held.approval.id, 'deny');
      await held.call;
    });
  });

  it('a rate limit config.json drops still counts the calls that run, and holds the one past the confirmed limit', async () => {
    const policy = (rates: unknown[]) => ({ rules: [{ tool: 'destroy', action: 'allow', reason: 'ok' }], limits: { rates } });
    await withGateway(withPolicy(policy([{ name: 'destroys', tools: ['destroy'], max: 2, windowSeconds: 600 }])), async (g, client) => {
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'a' } })), 'destroyed a');
      g.setConfig(withPolicy(policy([])));
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'b' } })), 'destroyed b', 'within the confirmed limit: runs');
      const held = await heldDestroy(g, client, 'c');
      assert.ok(held.approval.subject.kind === 'tool', 'a tool approval');
      assert.match(held.approval.subject.reasons?.[0] ?? '', /policy\.limits were raised past the confirmed ones/);
      g.pending.decide(held.approval.id, 'deny');
      await held.call;
    });
  });

  it('a rate window config.json shortens still holds the call past the confirmed window until the person allows the change (D282)', async () => {
    const policy = (windowSeconds: number) => ({ rules: [{ tool: 'destroy', action: 'allow', reason: 'ok' }], limits: { rates: [{ name: 'destroys', tools: ['destroy'], max: 1, windowSeconds }] } });
    const clock = new ManualClock();
    await withGateway(withPolicy(policy(600)), async (g, client) => {
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'a' } })), 'destroyed a');
      g.setConfig(withPolicy(policy(1)));
      clock.advance(2_000); // past config.json's 1 s window, well within the confirmed 10 min
      const held = await heldDestroy(g, client, 'b');
      assert.ok(held.approval.subject.kind === 'tool', 'a tool approval');
      assert.match(held.approval.subject.reasons?.[0] ?? '', /policy\.limits were raised past the confirmed ones/, 'the confirmed window still counts a');
      const prompt = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      g.pending.decide(prompt.id, 'allow-once');
      await g.consent!.settled();
      g.pending.decide(held.approval.id, 'deny');
      await held.call;
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'c' } })), 'destroyed c', 'allowed: the 1 s window is in force');
    }, clock);
  });

  it('a breaker config.json loosens still opens at the confirmed failures, and holds the next call until the person allows the change (D282)', async () => {
    const policy = (failures: number) => ({ rules: [{ tool: 'destroy', action: 'allow', reason: 'ok' }], limits: { breaker: { failures, coolDownSeconds: 600 } } });
    await withGateway(withPolicy(policy(2)), async (g, client) => {
      g.setConfig(withPolicy(policy(1000)));
      for (const target of ['upstream-fails-1', 'upstream-fails-2']) {
        const failed = (await client.callTool({ name: 'destroy', arguments: { target } })) as CallToolResult;
        assert.equal(failed.isError, true, `${target} ran and failed upstream`);
      }
      const held = await heldDestroy(g, client, 'c');
      assert.ok(held.approval.subject.kind === 'tool', 'a tool approval');
      assert.match(held.approval.subject.reasons?.[0] ?? '', /policy\.limits were raised past the confirmed ones/, 'the confirmed breaker (2 failures) is open');
      const prompt = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      assert.ok(prompt.subject.kind === 'policy' && prompt.subject.loosenings.some((l) => /policy\.limits/.test(l)), 'the prompt names the limits');
      g.pending.decide(prompt.id, 'allow-once');
      await g.consent!.settled();
      g.pending.decide(held.approval.id, 'deny');
      await held.call;
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'd' } })), 'destroyed d', 'allowed: the breaker of 1000 failures is in force');
    });
  });

  it('a writer that keeps editing config.json gets one policy prompt at a time, about its newest policy; superseded ones are withdrawn, at most POLICY_PROMPTS_WITHDRAWN_PER_MINUTE a minute (D283)', async () => {
    const clock = new ManualClock();
    // Prompts outlast the test's minutes: only the withdrawals end them.
    const edit = (i: number) => Config.parse({ ...withPolicy({ rules: [{ tool: 'destroy', action: 'allow', reason: `edit ${i}` }] }), unlock: { promptTimeoutSeconds: 600 } });
    await withGateway(Config.parse({ ...gatewayConfig(), unlock: { promptTimeoutSeconds: 600 } }), async (g, client) => {
      const held: Awaited<ReturnType<typeof heldDestroy>>[] = [];
      const policyPrompts = () => ofKind(g.pending.list(), 'policy');
      const shows = (i: number) => {
        const up = policyPrompts();
        assert.equal(up.length, 1, `one policy prompt at a time after edit ${i}: ${up.length} up`);
        return up[0]!.subject.kind === 'policy' ? up[0]!.subject.loosenings[0] : '';
      };
      for (let i = 0; i < 12; i++) {
        g.setConfig(edit(i));
        held.push(await heldDestroy(g, client, `t${i}`));
        // Within the budget the prompt shows the newest edit; past it the last one shown stays.
        assert.match(shows(i) ?? '', new RegExp(`edit ${Math.min(i, POLICY_PROMPTS_WITHDRAWN_PER_MINUTE)}\\)$`), `the prompt after edit ${i}`);
      }
      const requested = () => g.audit.filter((r) => r.event === 'approval.requested' && r.tool === undefined);
      const withdrawn = () => g.audit.filter((r) => r.event === 'policy.denied' && r.outcome === 'cancelled');
      assert.equal(requested().length, POLICY_PROMPTS_WITHDRAWN_PER_MINUTE + 1, 'twelve edits in a minute raised five policy prompts');
      assert.equal(withdrawn().length, POLICY_PROMPTS_WITHDRAWN_PER_MINUTE, 'four withdrawn');
      assert.equal(new Set(withdrawn().map((r) => r.approvalId)).size, withdrawn().length, 'each withdrawn prompt audited once');
      assert.equal(withdrawn()[0]?.reason, 'config.json changed again: a prompt about its newer policy replaced this one');
      clock.advance(60_000); // exactly a minute later the budget is back: the newest edit replaces the prompt
      g.setConfig(edit(12));
      held.push(await heldDestroy(g, client, 't12'));
      assert.match(shows(12) ?? '', /edit 12\)$/, 'the newest edit is shown');
      assert.equal(requested().length, POLICY_PROMPTS_WITHDRAWN_PER_MINUTE + 2);
      for (const h of held) g.pending.decide(h.approval.id, 'deny');
      await Promise.all(held.map((h) => h.call));
      g.pending.decide(policyPrompts()[0]!.id, 'deny');
    }, clock);
  });

  it('a prompt lists at most MAX_POLICY_LOOSENINGS lines, the last saying how many more; each line and the audit reason are cut, never dropped (D284)', async () => {
    const allow = Array.from({ length: 30 }, (_, i) => `test/tool_${i}`);
    const more = Array.from({ length: 14 }, (_, i) => ({ tool: `other_${i}`, action: 'allow', reason: 'more' }));
    const reason = 'r'.repeat(300);
    const total = 1 + allow.length + 1 + more.length; // the call's line, the allows, the long rule, the other rules
    await withGateway(gatewayConfig(), async (g, client) => {
      g.setConfig(withPolicy({ allow, rules: [{ tool: `destroy${'*'.repeat(240)}`, action: 'allow', reason }, ...more] }));
      const { call, approval } = await heldDestroy(g, client, 'a');
      const policy = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      assert.ok(policy.subject.kind === 'policy', 'a policy prompt');
      const lines = policy.subject.loosenings;
      assert.equal(lines.length, MAX_POLICY_LOOSENINGS, 'capped');
      assert.equal(lines.at(-1), `and ${total - MAX_POLICY_LOOSENINGS + 1} more changes: see 'keybroker policy list' before you allow them`, 'the last line counts the rest');
      assert.equal(lines[0], `config.json now lets destroy run on vc1 without asking (policy.rules[0] allows it: ${reason})`, 'the call\'s line is whole (384 characters)');
      const requested = g.audit.find((r) => r.event === 'approval.requested' && r.approvalId === policy.id);
      assert.equal(String(requested?.reason).length, 300, 'the audit reason is cut at 300');
      const ruleLine = lines.find((l) => l.startsWith('config.json now lets destroy*'));
      // At the merge: D275's fitLoosening cuts a line the approvers would cut at 400, and says where the rest is.
      assert.equal(ruleLine?.length, LOOSENING_SHOWN_CHARS, 'a long line is cut at what the approvers show');
      assert.ok(ruleLine?.endsWith(LOOSENING_CUT), 'the cut says where to read the whole rule');
      g.pending.decide(policy.id, 'deny');
      g.pending.decide(approval.id, 'deny');
      await call;
    });
  });

  it('a disposed consent keeper raises no prompt and writes no record for a held call (D284)', async () => {
    await withGateway(gatewayConfig(), async (g, client) => {
      g.setConfig(withPolicy(ALLOW_DESTROY));
      g.consent!.dispose();
      const { call, approval } = await heldDestroy(g, client, 'a');
      assert.deepEqual(ofKind(g.pending.list(), 'policy'), [], 'no policy prompt');
      assert.deepEqual(g.audit.filter((r) => r.event === 'approval.requested' && r.tool === undefined), [], 'no record of one');
      g.pending.decide(approval.id, 'deny');
      await call;
    });
  });

  it('held calls share one prompt; one that timed out unanswered is asked again by the next held call, and settled() resolves with none up (D284)', async () => {
    const clock = new ManualClock();
    await withGateway(gatewayConfig(), async (g, client) => {
      await g.consent!.settled();
      await g.consent!.recorded();
      g.setConfig(withPolicy(ALLOW_DESTROY));
      const first = await heldDestroy(g, client, 'a');
      const second = await heldDestroy(g, client, 'b');
      const requested = () => g.audit.filter((r) => r.event === 'approval.requested' && r.tool === undefined);
      assert.equal(requested().length, 1, 'two held calls, one policy prompt');
      clock.advance(gatewayConfig().unlock.promptTimeoutSeconds * 1000); // every prompt times out unanswered
      await Promise.all([first.call, second.call]);
      await g.consent!.settled();
      assert.deepEqual(ofKind(g.pending.list(), 'policy'), [], 'the timed-out prompt is gone');
      const third = await heldDestroy(g, client, 'c');
      const again = await found('the policy prompt asked again', () => ofKind(g.pending.list(), 'policy')[0]);
      assert.equal(requested().length, 2, 'an unanswered prompt is asked again, not taken as a deny');
      g.pending.decide(again.id, 'deny');
      g.pending.decide(third.approval.id, 'deny');
      await third.call;
    }, clock);
  });

  it('keybroker policy test reports an allow waiting for a person as the ask it is, and raises no prompt', async () => {
    await withGateway(gatewayConfig(), async (g) => {
      g.setConfig(withPolicy(ALLOW_DESTROY));
      const r = await g.gateway.policyTest('test', 'destroy', { target: 'a' }, AbortSignal.timeout(60_000));
      assert.deepEqual([r.decision, r.reason], ['ask', 'config.json now lets destroy run on vc1 without asking (policy.allow names test/destroy), but no person has allowed that yet: it asks until someone does']);
      assert.deepEqual(g.pending.list(), [], 'a test asks nobody');
    });
  });

  it('policy.approve emptied by config.json: a read it named still asks', async () => {
    await withGateway(withPolicy({ approve: ['test/echo'] }), async (g, client) => {
      g.setConfig(gatewayConfig());
      const call = client.callTool({ name: 'echo', arguments: { text: 'x' } });
      const ranUnasked = call.then((r) => assert.fail(`echo ran without asking: ${textOf(r)}`));
      const a = await Promise.race([found('a tool approval', () => ofKind(g.pending.list(), 'tool')[0]), ranUnasked]);
      ranUnasked.catch(() => undefined);
      assert.ok(a.subject.kind === 'tool', 'a tool approval');
      assert.match(a.subject.reasons?.[0] ?? '', /^config\.json now lets echo run on vc1 without asking \(policy\.approve no longer names test\/echo\)/);
      g.pending.decide(a.id, 'allow-once');
      assert.equal(textOf(await call), 'x');
    });
  });
});

// D281: a start compares config.json with the policy confirmed before it (the
// host remembers it across restarts; here handed in as a restarted host reads it).
describe('PolicyConsent at a start after a restart (D281)', () => {
  /** What the record is asked to remember, in order. */
  const recorder = () => {
    const saved: Config[] = [];
    let waited = 0;
    return { saved, written: () => waited, record: { save: (c: Config) => void saved.push(c), saved: async () => void (waited += 1) } };
  };

  it('an allow written while KeyBroker was not running is not in force at the start: the call asks, the prompt says when the change was made; allowing it is remembered', async () => {
    const { saved, record } = recorder();
    await withGateway(withPolicy(ALLOW_DESTROY), async (g, client) => {
      assert.deepEqual(g.consent!.waitingAtStart(), ['config.json now lets test/destroy run without asking (policy.allow)']);
      assert.equal(saved.length, 0, 'the remembered policy stays the record until a person allows the new one');
      const { call, approval } = await heldDestroy(g, client, 'a');
      assert.deepEqual(approval.subject.kind === 'tool' && approval.subject.reasons, ['config.json now lets destroy run on vc1 without asking (policy.allow names test/destroy), but no person has allowed that yet (another prompt asks about it), so this call asks']);
      const policy = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      assert.deepEqual(policy.subject.kind === 'policy' && policy.subject.loosenings, [
        'config.json, changed while KeyBroker was not running, now lets destroy run on vc1 without asking (policy.allow names test/destroy)',
        'config.json, changed while KeyBroker was not running, now lets test/destroy run without asking (policy.allow)',
      ]);
      const requested = g.audit.find((r) => r.event === 'approval.requested' && r.approvalId === policy.id);
      assert.match(String(requested?.reason), /^config\.json, changed while KeyBroker was not running, now lets destroy/, 'the audit says it too');
      g.pending.decide(policy.id, 'allow-once');
      await g.consent!.settled();
      assert.deepEqual(saved.map((c) => c.policy.allow), [['test/destroy']], 'the allowed policy is remembered for the next start');
      assert.deepEqual(g.consent!.waitingAtStart(), [], 'nothing waits any more');
      g.pending.decide(approval.id, 'deny');
      await call;
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'b' } })), 'destroyed b', 'allowed: it runs unasked');
    }, undefined, { remembered: gatewayConfig(), record });
  });

  it('a start whose config.json loosens nothing of the remembered policy takes it as confirmed and remembers it; so does a first start', async () => {
    const tighter = recorder();
    await withGateway(gatewayConfig(), async (g) => {
      await g.consent!.recorded();
      assert.equal(tighter.written(), 1, 'recorded() waits for the record');
      assert.deepEqual(g.consent!.waitingAtStart(), []);
      assert.equal(g.consent!.confirmed(), tighter.saved[0], 'the start config is the confirmed one');
      assert.deepEqual(tighter.saved.map((c) => c.policy.allow), [[]], 'remembered at once');
    }, undefined, { remembered: withPolicy(ALLOW_DESTROY), record: tighter.record });
    const first = recorder();
    await withGateway(withPolicy(ALLOW_DESTROY), async (g, client) => {
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'a' } })), 'destroyed a', 'nothing to compare with: config.json is trusted');
      assert.deepEqual(first.saved.map((c) => c.policy.allow), [['test/destroy']], 'and remembered');
    }, undefined, { record: first.record });
  });

  it('a loosening made after the start is not said to be made while KeyBroker was not running; one made before still is', async () => {
    await withGateway(withPolicy(ALLOW_DESTROY), async (g, client) => {
      g.setConfig(withPolicy({ ...ALLOW_DESTROY, rules: [{ tool: 'echo', action: 'allow', reason: 'live' }] }));
      const { call, approval } = await heldDestroy(g, client, 'a');
      const policy = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      assert.deepEqual(policy.subject.kind === 'policy' && policy.subject.loosenings, [
        'config.json now lets destroy run on vc1 without asking (policy.allow names test/destroy)',
        'config.json, changed while KeyBroker was not running, now lets test/destroy run without asking (policy.allow)',
        'config.json now lets echo on any endpoint ("live") run without asking (policy.rules[0])',
      ]);
      g.pending.decide(policy.id, 'deny');
      g.pending.decide(approval.id, 'deny');
      await call;
    }, undefined, { remembered: gatewayConfig() });
  });

  it('an endpoint the remembered policy lacks counts as read-only: an allow that covers it asks at the start', async () => {
    const before = Config.parse({ ...withPolicy(ALLOW_DESTROY), endpoints: [] });
    await withGateway(withPolicy(ALLOW_DESTROY), async (g, client) => {
      assert.deepEqual(g.consent!.waitingAtStart(), ['config.json adds the read-write endpoint vc1']);
      const { call, approval } = await heldDestroy(g, client, 'a');
      assert.deepEqual(approval.subject.kind === 'tool' && approval.subject.reasons, ['config.json now lets destroy run on vc1 without asking (vc1 was added read-write), but no person has allowed that yet (another prompt asks about it), so this call asks']);
      const policy = await found('the policy prompt', () => ofKind(g.pending.list(), 'policy')[0]);
      g.pending.decide(policy.id, 'deny');
      g.pending.decide(approval.id, 'deny');
      await call;
    }, undefined, { remembered: before });
  });
});

// Round 15's first `policy-consent` run on Gateway.unconfirmed (the lead): the reasons of a held
// call were joined by nothing, and a write to an endpoint read-write in the confirmed policy too
// was said to be "made read-write", and no test saw either.
describe('the held call names exactly why it asks (Gateway.unconfirmed, D259)', () => {
  it('an endpoint made read-write and an allow added are both named, "; " between them', async () => {
    await withGateway(withPolicy({}, { readOnly: true }), async (g, client) => {
      g.setConfig(withPolicy(ALLOW_DESTROY, { readOnly: false }));
      const held = await heldDestroy(g, client, 'a');
      const line = held.approval.subject.kind === 'tool' ? held.approval.subject.reasons?.[0] : undefined;
      assert.equal(line?.split(', but no person')[0], 'config.json now lets destroy run on vc1 without asking (vc1 was made read-write; policy.allow names test/destroy)', `both reasons, readable: ${line}`);
      for (const a of g.pending.list()) g.pending.decide(a.id, 'deny');
      await held.call;
    });
  });

  it('a write to an endpoint read-write in the confirmed policy too runs without asking while another loosening waits', async () => {
    await withGateway(withPolicy(ALLOW_DESTROY), async (g, client) => {
      g.setConfig(withPolicy({ allow: ['test/destroy', 'test/echo'] }));
      assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target: 'a' } })), 'destroyed a', 'the confirmed policy lets it run: nothing of it was loosened');
      assert.deepEqual(ofKind(g.pending.list(), 'tool'), [], 'no tool approval was raised for it');
      for (const a of g.pending.list()) g.pending.decide(a.id, 'deny');
    });
  });
});
