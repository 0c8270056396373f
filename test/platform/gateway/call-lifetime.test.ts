// D262: a child's progress restarts its call's 10-minute deadline (the SDK's
// resetTimeoutOnProgress, kept by D237), and nothing capped the whole: a compromised child kept a
// call, its place at the child and its client's wait, alive forever by sending progress. Now a
// forwarded call lives at most `children.maxCallMinutes` (default 60): then the client reads one
// line, the child gets a cancel, the audit has one record, and the place comes back as for any
// abandoned call (D211).
// Real parts: the real Gateway, the compromised child (`--mcp`; it ignores cancels and reports
// them), an SDK Client; the channel's one deadline timer on a ManualClock, never a sleep.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';
import { CANCELLED_CALL_GRACE_MS } from '../../../src/platform/gateway/held-place.js';
import { FORWARDED_ID_BASE } from '../../../src/platform/gateway/forwarded-calls.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import type { Config } from '../../../src/base/contracts/config.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { until } from '../../support/wait.js';

const EVIL: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs'), args: ['--mcp'] };
const MINUTE = 60_000;
const stopped = (minutes: number) => `evil_answer was stopped: it ran for ${minutes} minutes, the longest one call may run (children.maxCallMinutes in config.json); the evil server was told to cancel it. Split the work into shorter calls, or raise the limit`;

/** The real Gateway and the compromised child on one ManualClock (the gateway's and the calls' deadline clock). */
async function world(config: Config = gatewayConfig()) {
  const clock = new ManualClock();
  const g = makeGateway(config, { spec: EVIL, clock, callClock: clock });
  const child = g.startChild();
  const reports: Array<{ kind: string; requestId?: unknown; reason?: string }> = [];
  child.onDidMessage((m) => {
    const r = m as { ch?: string; kind?: string };
    if (r.ch === 'report' && r.kind) reports.push(r as { kind: string });
  });
  const client = await g.connect('long-runner');
  const share = (g.gateway as unknown as { entries: Map<string, { share: { serving: number } }> }).entries.get('evil')!.share;
  const seen: number[] = [];
  let settled: CallToolResult | undefined;
  void client.callTool({ name: 'evil_answer', arguments: { raw: '{"ch":"report","kind":"got"}\n', tellCancel: true } }, undefined, { onprogress: (p) => void seen.push(p.progress), timeout: 3_600_000 })
    .then((r) => (settled = r as CallToolResult));
  await until('the call at the child', () => reports.some((r) => r.kind === 'got'));
  /** The child reports progress `n` and the client gets it: the call is still live. */
  const progress = async (n: number) => {
    child.send({ ch: 'attack', kind: 'progress', n: 1, kib: 1, from: n - 1 });
    await until(`progress ${n} at the client`, () => seen.at(-1) === n);
  };
  return { g, clock, reports, share, seen, progress, result: () => settled };
}

describe('a forwarded call lives at most children.maxCallMinutes, progress or not (D262)', () => {
  it('Security: a child that reports progress every 9 minutes is stopped at 60: one line for the client, one cancel for the child, one audit record', async () => {
    const w = await world();
    try {
      for (let n = 1; n <= 6; n++) {
        w.clock.advance(9 * MINUTE);
        await w.progress(n);
      }
      // 54 minutes in: the deadline would be 64 by the progress, the cap says 60.
      w.clock.advance(6 * MINUTE - 1);
      await w.progress(7);
      assert.equal(w.result(), undefined, 'still running 1 ms before the cap');
      assert.equal(w.reports.filter((r) => r.kind === 'cancel-seen').length, 0, 'no cancel before the cap');
      w.clock.advance(1);
      await until('the call ended', () => w.result() !== undefined);
      const r = w.result()!;
      assert.equal(r.isError, true, 'an error result');
      assert.deepEqual(r.content, [{ type: 'text', text: stopped(60) }], 'one line that says what happened and what to do');
      await until('the cancel at the child', () => w.reports.some((x) => x.kind === 'cancel-seen'));
      const cancels = w.reports.filter((x) => x.kind === 'cancel-seen');
      assert.equal(cancels.length, 1, 'one cancel');
      assert.ok(typeof cancels[0]!.requestId === 'number' && cancels[0]!.requestId >= FORWARDED_ID_BASE, `the forwarded call's id: ${String(cancels[0]!.requestId)}`);
      assert.match(String(cancels[0]!.reason), /CallLifetimeError: it ran for 60 minutes/, 'the reason the child is told');
      const records = w.g.audit.filter((a) => a.event === 'tool.called');
      assert.deepEqual(records.map((a) => [a.client, a.tool, a.outcome, a.reason]), [['long-runner', 'evil_answer', 'timeout', 'ran past children.maxCallMinutes']], 'one record');
      // The child ignores the cancel: the place stays taken until the grace (D211), then comes back.
      assert.equal(w.share.serving, 1, 'the place is kept while the child may still work on it');
      w.clock.advance(CANCELLED_CALL_GRACE_MS);
      assert.equal(w.share.serving, 0, 'the place comes back at the grace');
    } finally {
      await w.g.dispose();
    }
  });

  it('children.maxCallMinutes raises the cap for a user whose calls run longer', async () => {
    const base = gatewayConfig();
    const w = await world({ ...base, children: { ...base.children, maxCallMinutes: 90 } });
    try {
      for (let n = 1; n <= 9; n++) {
        w.clock.advance(9 * MINUTE);
        await w.progress(n);
      }
      // 81 minutes in, past the default hour and still running.
      assert.equal(w.result(), undefined, 'running past 60 minutes');
      w.clock.advance(9 * MINUTE - 1);
      await w.progress(10);
      w.clock.advance(1);
      await until('the call ended', () => w.result() !== undefined);
      assert.deepEqual(w.result()!.content, [{ type: 'text', text: stopped(90) }], 'stopped at its own cap');
    } finally {
      await w.g.dispose();
    }
  });
});
