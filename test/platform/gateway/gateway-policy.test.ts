import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Config } from '../../../src/base/contracts/config.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';

const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const withPolicy = (policy: Record<string, unknown>) => Config.parse({ ...gatewayConfig(), policy: { ...gatewayConfig().policy, ...policy } });

describe('Gateway policy (issue 14)', () => {
  it('a rule-allowed write runs without asking until a rate limit is hit; then it waits for an approval naming the limit', async () => {
    const g = makeGateway(withPolicy({
      rules: [{ tool: 'destroy', action: 'allow', reason: 'test writes are fine' }],
      limits: { rates: [{ name: 'destroys', tools: ['destroy'], max: 2, windowSeconds: 600 }] },
    }));
    g.startChild();
    try {
      const client = await g.connect();
      for (const target of ['a', 'b']) assert.equal(textOf(await client.callTool({ name: 'destroy', arguments: { target } })), `destroyed ${target}`);
      assert.equal(g.pending.list().length, 0);
      const third = client.callTool({ name: 'destroy', arguments: { target: 'c' } });
      await until('an approval', () => g.pending.list().length > 0);
      const a = g.pending.list()[0]!;
      assert.ok(a.subject.kind === 'tool', 'the approval is for a tool call');
      assert.deepEqual(a.subject.reasons, ["limit 'destroys' reached: 2 per 10 min on endpoint vc1 (2 already)"]);
      g.pending.decide(a.id, 'allow-once');
      assert.equal(textOf(await third), 'destroyed c');
      const records = g.audit.filter((r) => r.event === 'tool.called' && r.tool === 'destroy');
      assert.deepEqual(records.map((r) => [r.decision, r.rule, r.limits?.length ?? 0]), [['allow', 0, 0], ['allow', 0, 0], ['allow', 0, 1]]);
    } finally {
      await g.dispose();
    }
  });

  it('a deny rule refuses a read on its endpoint without running it; the audit names the rule', async () => {
    const g = makeGateway(withPolicy({ rules: [{ tool: 'ec*o', endpoint: 'vc1', action: 'deny', reason: 'no echo on vc1' }] }));
    g.startChild();
    try {
      const client = await g.connect();
      const r = (await client.callTool({ name: 'echo', arguments: { text: 'x' } })) as CallToolResult;
      assert.equal(r.isError, true);
      assert.equal(textOf(r), 'echo was not run: policy.rules[0] denies it: no echo on vc1');
      const counts = JSON.parse(textOf(await client.callTool({ name: 'counts', arguments: {} }))) as Record<string, number>;
      assert.equal(counts['echo'], undefined);
      const record = g.audit.find((x) => x.event === 'tool.called' && x.tool === 'echo');
      assert.deepEqual([record?.outcome, record?.decision, record?.rule, record?.ruleReason], ['denied', 'deny', 0, 'no echo on vc1']);
    } finally {
      await g.dispose();
    }
  });

  it('an ask rule holds a read for approval, saying which rule asked', async () => {
    const g = makeGateway(withPolicy({ rules: [{ tool: 'echo', action: 'ask', reason: 'echo needs a look' }] }));
    g.startChild();
    try {
      const client = await g.connect();
      const call = client.callTool({ name: 'echo', arguments: { text: 'x' } });
      await until('an approval', () => g.pending.list().length > 0);
      const a = g.pending.list()[0]!;
      assert.ok(a.subject.kind === 'tool', 'the approval is for a tool call');
      assert.deepEqual(a.subject.reasons, ['policy.rules[0]: echo needs a look']);
      g.pending.decide(a.id, 'deny');
      assert.equal((await call as CallToolResult).isError, true);
    } finally {
      await g.dispose();
    }
  });

  it('after repeated upstream failures the breaker holds the endpoint\'s next call for approval', async () => {
    const g = makeGateway(withPolicy({ limits: { rates: [], maxObjectsPerCall: 20, breaker: { failures: 2, coolDownSeconds: 600 } } }));
    g.startChild();
    try {
      const client = await g.connect();
      // `echo` with a wrong argument type fails at the child: an upstream error result.
      for (let i = 0; i < 2; i++) assert.equal(((await client.callTool({ name: 'echo', arguments: { text: 5 } })) as CallToolResult).isError, true);
      const held = client.callTool({ name: 'echo', arguments: { text: 'ok' } });
      await until('an approval', () => g.pending.list().length > 0);
      const a = g.pending.list()[0]!;
      assert.ok(a.subject.kind === 'tool', 'the approval is for a tool call');
      assert.match(a.subject.reasons?.[0] ?? '', /^breaker open on endpoint vc1: 2 upstream failures in a row; it closes in \d+ s$/);
      g.pending.decide(a.id, 'allow-once');
      assert.equal(textOf(await held), 'ok');
    } finally {
      await g.dispose();
    }
  });
});
