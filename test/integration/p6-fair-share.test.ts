// X5-fair (D183): one client cannot starve another on a shared server child. Real
// parts: `keybroker serve` with the built P6 child, two SDK clients each through its own real
// `keybroker bridge`, unlocks answered with the real CLI, the P6 fake over TLS holding every
// `resource` read until the test lets it go (a gate, not a timer). Client A floods the child
// with calls that never end while held; client B's one call must still be answered, and A's
// calls past its share must wait at the gateway, not reach the child or P6.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_CALLS_IN_FLIGHT, SESSION_CALLS_IN_FLIGHT } from '../../src/platform/gateway/fair-share.js';
import { startBridgedP6, type BridgedP6 } from '../support/bridged-p6.js';
import { bridgeClient } from '../support/bridge-client.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { readAudit } from '../support/audit-file.js';
import { waitFor } from '../support/keybroker-cli.js';

const PASSWORD = 'Fair-share:secret';
const HELD = 'GET /p6ws/restapi/resource';
/** A's flood: its share, and this many more that have to wait. */
const OVER = 6;
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('one client cannot starve another on a shared child (X5-fair)', () => {
  let world: BridgedP6 | undefined;
  let clientB: Client | undefined;
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;

  before(async () => {
    world = await startBridgedP6({
      fake: { users: [{ username: 'planner', password: PASSWORD }], holdRequest: (method, path) => (`${method} ${path}` === HELD ? gate : undefined) },
      homePrefix: 'kb-p6-fair-',
      endpoints: [{ name: 'pm', user: 'planner', password: PASSWORD, extra: ['--no-verify'] }],
      serve: { toolsListed: true },
    });
    // B's bridge is started by a process of its own: another client than A's (D200).
    clientB = await bridgeClient(world.env, 'p6', 'client-b', { ownParent: true });
  });
  after(async () => {
    release?.();
    await clientB?.close();
    await world?.stop();
  });

  it("answers B's call while A's flood of held calls is pending, and keeps A's calls past its share at the gateway", async () => {
    const { client: clientA, fake, cli, home } = world!;
    const { nextApproval } = cliApprovals(cli);
    // The unlock first (one prompt), so that nothing below waits for a person.
    const first = clientB!.callTool({ name: 'p6_list_projects', arguments: { endpoint: 'pm', limit: 1 } }, undefined, { timeout: 120_000 });
    assert.equal((await cli(['approve', (await nextApproval()).id])).code, 0);
    assert.equal((await first as CallToolResult).isError, undefined, textOf(await first));

    gate = new Promise<void>((r) => { release = r; });
    const flood = SESSION_CALLS_IN_FLIGHT + OVER;
    let answeredA = 0;
    const cancel = new AbortController();
    const callsA = Array.from({ length: flood }, (_, i) =>
      clientA.callTool({ name: 'p6_list_resources', arguments: { endpoint: 'pm', limit: 5 } }, undefined, { timeout: 600_000, ...(i === flood - 1 && { signal: cancel.signal }) })
        .then((r) => { answeredA++; return r as CallToolResult; }));
    const cancelled = callsA.pop()!;
    await waitFor(`A's share of calls held at P6 (${SESSION_CALLS_IN_FLIGHT})`, () => ((fake.counts()[HELD] ?? 0) >= SESSION_CALLS_IN_FLIGHT ? true : undefined));
    const b = await clientB!.callTool({ name: 'p6_list_projects', arguments: { endpoint: 'pm', limit: 1 } }, undefined, { timeout: 120_000 }) as CallToolResult;
    assert.equal(b.isError, undefined, textOf(b));
    assert.equal(answeredA, 0, "B's call was answered while every one of A's was still pending");
    assert.equal(fake.counts()[HELD], SESSION_CALLS_IN_FLIGHT, "A's calls past its share waited at the gateway: they never reached the child or P6");

    // The wait is audited, once for the burst (coalesced), never for B.
    const queued = await waitFor('a gateway.queued record', () => readAudit(home).find((r) => r.event === 'gateway.queued'));
    assert.deepEqual({ client: queued.client, server: queued.server, code: queued.code, count: queued.count }, { client: 'claude-ai', server: 'p6', code: 'over-share', count: 1 }, 'the first wait of the burst is written at once with count 1');

    // A waiting call is cancellable: it leaves the queue and never runs.
    cancel.abort();
    await assert.rejects(cancelled, 'the cancelled call rejects at its client');
    await waitFor("the gateway's record of the cancelled call", () => readAudit(home).find((r) => r.event === 'tool.called' && r.client === 'claude-ai' && r.outcome === 'cancelled'));

    release!();
    const results = await Promise.all(callsA);
    assert.ok(results.every((r) => r.isError === undefined), 'every other call of A ran once its turn came');
    assert.equal(fake.counts()[HELD], flood - 1, 'each of A\'s calls reached P6 once, the cancelled one never');
    const records = readAudit(home);
    assert.ok(!records.some((r) => r.event === 'gateway.queued' && r.client === 'client-b'), 'B never waited');
    const counted = records.filter((r) => r.event === 'gateway.queued').reduce((n, r) => n + (r.count ?? 0), 0);
    assert.ok(counted <= OVER, `the records count A's waiting calls, each once (${counted})`);
  });

  it('holds client A to one client\'s share over four sessions, so client B gets its calls to P6 at once (Y3-clientshare)', async () => {
    const { client: first, fake, env } = world!;
    // A: four sessions, each through its own bridge started by this process (as several
    // bridges of one program are); B: one session, its bridge started by another process.
    const others = await Promise.all([1, 2, 3].map(() => bridgeClient(env, 'p6', 'claude-ai')));
    try {
      const sessionsA = [first, ...others];
      const base = fake.counts()[HELD] ?? 0;
      const reached = () => (fake.counts()[HELD] ?? 0) - base;
      gate = new Promise<void>((r) => { release = r; });
      // Each session of A sends more than a client's share: before clients shared, each got 16
      // and the four filled the child (64), so nothing of B's could reach P6.
      const perSession = CLIENT_CALLS_IN_FLIGHT + 1;
      let answeredA = 0;
      const callsA = sessionsA.flatMap((c) => Array.from({ length: perSession }, () =>
        c.callTool({ name: 'p6_list_resources', arguments: { endpoint: 'pm', limit: 5 } }, undefined, { timeout: 600_000 })
          .then((r) => { answeredA++; return r as CallToolResult; })));
      await waitFor(`A's share of calls held at P6 (${CLIENT_CALLS_IN_FLIGHT})`, () => (reached() >= CLIENT_CALLS_IN_FLIGHT ? true : undefined));
      const heldB = 4;
      const callsB = Array.from({ length: heldB }, () =>
        clientB!.callTool({ name: 'p6_list_resources', arguments: { endpoint: 'pm', limit: 5 } }, undefined, { timeout: 600_000 }) as Promise<CallToolResult>);
      await waitFor("B's held calls at P6 beside A's", () => (reached() >= CLIENT_CALLS_IN_FLIGHT + heldB ? true : undefined));
      const b = await clientB!.callTool({ name: 'p6_list_projects', arguments: { endpoint: 'pm', limit: 1 } }, undefined, { timeout: 120_000 }) as CallToolResult;
      assert.equal(b.isError, undefined, textOf(b));
      assert.equal(answeredA, 0, "B's call was answered while every one of A's was still pending");
      assert.equal(reached(), CLIENT_CALLS_IN_FLIGHT + heldB, `at P6: A's ${CLIENT_CALLS_IN_FLIGHT} over its four sessions and B's ${heldB}, no more of A's`);

      release!();
      const results = await Promise.all([...callsA, ...callsB]);
      assert.ok(results.every((r) => r.isError === undefined), 'every call of A and B ran once its turn came');
      assert.equal(reached(), sessionsA.length * perSession + heldB, 'each call reached P6 once');
    } finally {
      await Promise.all(others.map((c) => c.close()));
    }
  });
});
