// ToolPlanner (issue 11, D41) on a bare McpServer over a real SDK client (in memory): the plan
// step answers with the tool's own plan and a hash over exactly what runs, and a call that
// carries an approval re-checks it first and never runs when the approval is malformed, the
// re-check fails, or the world changed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { APPROVED_META_KEY, PLAN_METHOD, PlanResult, type Precondition } from '../../../../src/base/contracts/plan-protocol.js';
import { planHash } from '../../../../src/mcp/runtime/plan/plan-hash.js';
import { approvedPrecondition, ToolPlanner, type PlanDraft, type ToolExtra } from '../../../../src/mcp/runtime/plan/tool-planner.js';

const textOf = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const HASH = 'ab'.repeat(32);
const vm: Precondition = [{ object: 'VM web-01', type: 'VirtualMachine', id: 'vm-42', values: { 'runtime.powerState': 'poweredOn' } }];

/** What the fixture tool saw and how it behaves; each test sets what it needs. */
interface Script {
  draft?: PlanDraft;
  planError?: unknown;
  recheck?: (precondition: Precondition) => Promise<string | undefined>;
  runError?: unknown;
  /** Undefined: the option is given and says no; 'absent': the planner gets no such option. */
  cancelled?: boolean | 'absent';
  errorText?: string;
}

async function connect(script: Script) {
  const seen = { planned: [] as unknown[], rechecked: [] as Precondition[], ran: [] as unknown[], approved: [] as (Precondition | undefined)[] };
  const server = new McpServer({ name: 'fixture', version: '1.0.0' });
  const errorText = (e: unknown, tool: string) => script.errorText ?? `${tool}: ${(e as Error).message}`;
  const planner = new ToolPlanner(server, script.cancelled === 'absent' ? { errorText } : { errorText, cancelled: () => script.cancelled === true });
  planner.register('fixture_power', {
    title: 'Power',
    description: 'Powers a VM',
    inputSchema: { vm: z.string().min(1), action: z.enum(['on', 'off']).default('off'), spec: z.object({ cpus: z.number().int() }).optional() },
    annotations: { destructiveHint: true },
    plan: async (args) => {
      seen.planned.push(args);
      if (script.planError !== undefined) throw script.planError;
      return script.draft ?? { summary: `Power ${args.action} VM ${args.vm}`, changes: [{ object: `VM ${args.vm}`, field: 'power state', before: 'poweredOn', after: 'poweredOff' }], objects: [`VM ${args.vm} (vm-42)`], precondition: vm };
    },
    recheck: async (_args, precondition) => {
      seen.rechecked.push(precondition);
      return script.recheck ? script.recheck(precondition) : undefined;
    },
    run: async (args, extra: ToolExtra) => {
      seen.ran.push(args);
      seen.approved.push(approvedPrecondition(extra));
      if (script.runError !== undefined) throw script.runError;
      return { content: [{ type: 'text', text: `powered ${args.action} ${args.vm}` }] };
    },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    planner,
    seen,
    plan: (name: string, args?: Record<string, unknown>) => client.request({ method: PLAN_METHOD, params: { name, ...(args && { arguments: args }) } } as never, PlanResult),
    call: (args: Record<string, unknown>, approved?: unknown) => client.callTool({ name: 'fixture_power', arguments: args, ...(approved !== undefined && { _meta: { [APPROVED_META_KEY]: approved } }) }) as Promise<CallToolResult>,
    close: () => client.close(),
  };
}

describe('ToolPlanner: the plan step', () => {
  it('answers with the tool\'s plan and a hash over the parsed arguments, the tool and the plan', async () => {
    const c = await connect({});
    try {
      const r = await c.plan('fixture_power', { vm: 'web-01', ignored: 'x' });
      assert.ok(r.ok, 'the plan is made, the unknown argument dropped');
      // The schema's parse is what the plan and the hash see: the default filled in, the unknown key gone.
      assert.deepEqual(c.seen.planned, [{ vm: 'web-01', action: 'off' }]);
      const { hash, ...plan } = r.plan;
      assert.deepEqual(plan, { summary: 'Power off VM web-01', changes: [{ object: 'VM web-01', field: 'power state', before: 'poweredOn', after: 'poweredOff' }], objects: ['VM web-01 (vm-42)'], precondition: vm });
      assert.equal(hash, planHash({ tool: 'fixture_power', args: { vm: 'web-01', action: 'off' }, summary: plan.summary, changes: plan.changes, objects: plan.objects, precondition: vm }));
      assert.equal('facts' in r.plan, false, 'no facts when the tool gives none');
      const other = await c.plan('fixture_power', { vm: 'web-02' });
      assert.ok(other.ok, 'the plan for web-02 is made');
      assert.notEqual(other.plan.hash, hash, 'other arguments, another hash');
      assert.deepEqual(c.planner.names(), ['fixture_power']);
    } finally {
      await c.close();
    }
  });

  it('hashes the tool\'s name: the same plan of another tool is another approval', async () => {
    const c = await connect({});
    try {
      const r = await c.plan('fixture_power', { vm: 'web-01' });
      assert.ok(r.ok, 'the plan is made');
      const { hash, ...plan } = r.plan;
      assert.notEqual(hash, planHash({ tool: 'other_tool', args: { vm: 'web-01', action: 'off' }, ...plan }));
    } finally {
      await c.close();
    }
  });

  it('passes the plan\'s facts through when the tool gives them', async () => {
    const c = await connect({ draft: { summary: 'S', changes: [], objects: [], precondition: [], facts: [{ folder: 'Lab/Web' }] } });
    try {
      const r = await c.plan('fixture_power', { vm: 'web-01' });
      assert.ok(r.ok, 'the plan with facts is made');
      assert.deepEqual(r.plan.facts, [{ folder: 'Lab/Web' }]);
      // Facts inform the policy, not what the person approves (D59): not in the hash.
      assert.equal(r.plan.hash, planHash({ tool: 'fixture_power', args: { vm: 'web-01', action: 'off' }, summary: 'S', changes: [], objects: [], precondition: [] }));
    } finally {
      await c.close();
    }
  });

  it('refuses invalid arguments in the SDK\'s words, naming each field, without planning', async () => {
    const c = await connect({});
    try {
      const r = await c.plan('fixture_power', { vm: '', action: 'reboot' });
      assert.ok(!r.ok, 'invalid arguments are refused');
      assert.match(r.error, /^Input validation error: Invalid arguments for tool fixture_power: .+ at vm\n.+ at action$/);
      const nested = await c.plan('fixture_power', { vm: 'web-01', spec: { cpus: 1.5 } });
      assert.ok(!nested.ok, 'an invalid nested argument is refused');
      assert.match(nested.error, /^Input validation error: Invalid arguments for tool fixture_power: .+ at spec\.cpus$/);
      const none = await c.plan('fixture_power');
      assert.ok(!none.ok, 'a plan without arguments is refused');
      assert.match(none.error, /^Input validation error: Invalid arguments for tool fixture_power: .+ at vm$/);
      assert.deepEqual(c.seen.planned, []);
    } finally {
      await c.close();
    }
  });

  it('answers MethodNotFound for a tool without a plan step', async () => {
    const c = await connect({});
    try {
      await assert.rejects(c.plan('fixture_other', {}), (e: unknown) => e instanceof McpError && e.code === ErrorCode.MethodNotFound && /fixture_other has no plan step/.test(e.message));
    } finally {
      await c.close();
    }
  });

  it('a failing plan step answers the server\'s error text, cut to the contract\'s 4096 characters, or a sentence when it has none', async () => {
    const long = await connect({ planError: new Error('x'.repeat(5000)) });
    try {
      const r = await long.plan('fixture_power', { vm: 'web-01' });
      assert.ok(!r.ok, 'a planner that throws gives a refusal');
      assert.equal(r.error, `fixture_power: ${'x'.repeat(5000)}`.slice(0, 4096));
    } finally {
      await long.close();
    }
    const empty = await connect({ planError: new Error('boom'), errorText: '' });
    try {
      const r = await empty.plan('fixture_power', { vm: 'web-01' });
      assert.deepEqual(r, { ok: false, error: 'fixture_power could not be planned' });
    } finally {
      await empty.close();
    }
  });
});

describe('ToolPlanner: a call that carries an approval (Security)', () => {
  it('re-checks exactly the approved precondition, then runs with it at hand', async () => {
    const c = await connect({});
    try {
      const r = await c.call({ vm: 'web-01' }, { planHash: HASH, precondition: vm });
      assert.equal(r.isError, undefined, textOf(r));
      assert.equal(textOf(r), 'powered off web-01');
      assert.deepEqual(c.seen.rechecked, [vm]);
      assert.deepEqual(c.seen.approved, [vm]);
    } finally {
      await c.close();
    }
  });

  it('a call without an approval runs without a re-check, and approvedPrecondition() is undefined', async () => {
    const c = await connect({});
    try {
      const r = await c.call({ vm: 'web-01' });
      assert.equal(textOf(r), 'powered off web-01');
      assert.deepEqual([c.seen.rechecked, c.seen.approved], [[], [undefined]]);
    } finally {
      await c.close();
    }
  });

  it('refuses, without re-checking or running, an approval that is malformed in any part', async () => {
    const c = await connect({});
    try {
      for (const approved of [null, 'yes', {}, { planHash: HASH }, { planHash: 'AB'.repeat(32), precondition: vm }, { planHash: HASH.slice(1), precondition: vm }, { planHash: `${HASH}0`, precondition: vm }, { planHash: HASH, precondition: vm, extra: 1 }, { planHash: HASH, precondition: [{ ...vm[0]!, id: '' }] }]) {
        const r = await c.call({ vm: 'web-01' }, approved);
        assert.equal(r.isError, true, JSON.stringify(approved));
        assert.equal(textOf(r), 'fixture_power was not run: the approval it carried is malformed; call it again');
      }
      assert.deepEqual([c.seen.rechecked, c.seen.ran], [[], []]);
    } finally {
      await c.close();
    }
  });

  it('refuses with the re-check\'s sentence when the world changed, and does not run', async () => {
    const c = await connect({ recheck: async () => 'VM web-01 changed since you approved (power state poweredOn → poweredOff). Nothing was run.' });
    try {
      const r = await c.call({ vm: 'web-01' }, { planHash: HASH, precondition: vm });
      assert.deepEqual([r.isError, textOf(r)], [true, 'VM web-01 changed since you approved (power state poweredOn → poweredOff). Nothing was run.']);
      assert.deepEqual(c.seen.ran, []);
    } finally {
      await c.close();
    }
  });

  it('refuses when the re-check itself fails, and does not run', async () => {
    const c = await connect({ recheck: () => Promise.reject(new Error('vCenter did not answer')) });
    try {
      const r = await c.call({ vm: 'web-01' }, { planHash: HASH, precondition: vm });
      assert.deepEqual([r.isError, textOf(r)], [true, 'fixture_power was not run: re-checking what you approved failed: fixture_power: vCenter did not answer']);
      assert.deepEqual(c.seen.ran, []);
    } finally {
      await c.close();
    }
  });

  it('a cancelled re-check or run is rethrown, not turned into the server\'s error text', async () => {
    // A really cancelled request gets no reply (the SDK sees its signal aborted); here the
    // signal is not aborted, so the SDK turns the rethrown error into its own plain result.
    for (const script of [{ recheck: () => Promise.reject(new Error('aborted')) }, { runError: new Error('aborted') }] as Script[]) {
      const c = await connect({ ...script, cancelled: true });
      try {
        const r = await c.call({ vm: 'web-01' }, { planHash: HASH, precondition: vm });
        assert.deepEqual([r.isError, textOf(r)], [true, 'aborted']);
      } finally {
        await c.close();
      }
    }
    const planned = await connect({ planError: new Error('aborted'), cancelled: true });
    try {
      await assert.rejects(planned.plan('fixture_power', { vm: 'web-01' }), /aborted/);
    } finally {
      await planned.close();
    }
  });

  it('without a cancelled option nothing counts as cancelled: every failure is the server\'s error text', async () => {
    const script: Script = { cancelled: 'absent', planError: new Error('plan broke'), recheck: () => Promise.reject(new Error('recheck broke')), runError: new Error('run broke') };
    const c = await connect(script);
    try {
      assert.deepEqual(await c.plan('fixture_power', { vm: 'web-01' }), { ok: false, error: 'fixture_power: plan broke' });
      assert.equal(textOf(await c.call({ vm: 'web-01' }, { planHash: HASH, precondition: vm })), 'fixture_power was not run: re-checking what you approved failed: fixture_power: recheck broke');
      assert.equal(textOf(await c.call({ vm: 'web-01' })), 'fixture_power: run broke');
    } finally {
      await c.close();
    }
  });

  it('a failed run is the server\'s error text; an McpError is the SDK\'s, as it was thrown', async () => {
    const failed = await connect({ runError: new Error('no such VM') });
    try {
      const r = await failed.call({ vm: 'web-01' });
      assert.deepEqual([r.isError, textOf(r)], [true, 'fixture_power: no such VM']);
    } finally {
      await failed.close();
    }
    const protocol = await connect({ runError: new McpError(ErrorCode.InvalidParams, 'bad cursor') });
    try {
      const r = await protocol.call({ vm: 'web-01' });
      assert.deepEqual([r.isError, textOf(r)], [true, `MCP error ${ErrorCode.InvalidParams}: bad cursor`]);
    } finally {
      await protocol.close();
    }
  });
});
