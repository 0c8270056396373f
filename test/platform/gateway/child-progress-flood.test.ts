// C6-redteam: a compromised child floods a call's progress while its client does not read (a
// slow or stalled bridge). Every progress notification waited in the host to be written, so the
// child grew the host without bound (each one up to the channel's 16 MiB frame); the forwarded
// call's own id map (D237) reads progress on the child's schedule, not the client's. Now at most
// PROGRESS_WAITING_PER_CALL wait per call and the newest replaces the last waiting one: the
// client still gets progress in order, the last one, and all of it before the result.
// Real parts: the real Gateway, the compromised child (`--mcp`), the real JsonLineTransport on a
// real Unix socket (the direct dispatch, D239), a raw client that stops reading.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { PROGRESS_WAITING_PER_CALL } from '../../../src/platform/gateway/gateway.js';
import { until } from '../../support/wait.js';
import { gatewayConfig, makeGateway } from './gateway-harness.js';
import { rawSocketSession } from './raw-socket-session.js';

const EVIL: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs'), args: ['--mcp'] };
const N = 100;
/** What the child writes when told `answer-held`: the call's result. */
const answer = '{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":{"content":[{"type":"text","text":"done"}]}}}\n';

/** The real Gateway with the compromised child, and the kinds of the reports the child sends. */
function world() {
  const g = makeGateway(gatewayConfig(), { spec: EVIL });
  const child = g.startChild();
  const reports: string[] = [];
  child.onDidMessage((m) => {
    const r = m as { ch?: string; kind?: string };
    if (r.ch === 'report' && r.kind) reports.push(r.kind);
  });
  return { g, child, reports };
}

describe('a child that floods progress for a client that does not read', () => {
  it('keeps at most a few notifications waiting; the client gets them in order, the last one, then the result', async () => {
    const { g, child, reports } = world();
    let session: Awaited<ReturnType<typeof rawSocketSession>> | undefined;
    try {
      const { socket, lines, write } = (session = await rawSocketSession(g.gateway, 'evil'));
      // The client stops reading; the child got the call, floods its progress, then answers.
      socket.pause();
      write({ id: 1, method: 'tools/call', params: { name: 'evil_answer', arguments: { raw: '{"ch":"report","kind":"got"}\n', later: answer }, _meta: { progressToken: 'tok' } } });
      await until('the call at the child', () => reports.includes('got'));
      child.send({ ch: 'attack', kind: 'progress', n: N, kib: 256 });
      await until('the progress flood through the host', () => reports.includes('progress-done'));
      child.send({ ch: 'attack', kind: 'answer-held' });
      socket.resume();
      await until('the result', () => lines.some((l) => l.id === 1));
      const progress = lines.filter((l) => l.method === 'notifications/progress').map((l) => l.params!);
      const resultAt = lines.findIndex((l) => l.id === 1);
      assert.equal(lines[resultAt]!.result?.content?.[0]?.text, 'done', 'the child\'s result reached the client');
      assert.ok(lines.slice(resultAt + 1).every((l) => l.method !== 'notifications/progress'), 'no progress after the result');
      assert.ok(progress.every((p) => p.progressToken === 'tok'), "the client's own token on each");
      assert.ok(progress.every((p, i) => i === 0 || p.progress! > progress[i - 1]!.progress!), 'progress in order');
      assert.equal(progress.at(-1)?.progress, N, 'the last progress arrives');
      assert.ok(progress.length <= PROGRESS_WAITING_PER_CALL + 4, `the host kept ${progress.length} of the child's ${N} progress notifications waiting for a client that did not read`);
    } finally {
      await session?.end();
      await g.dispose();
    }
  });

  it('sends no progress for a call whose client asked for none (no progress token): the child is given no token to report with (E3-smallmut)', async () => {
    const { g, child, reports } = world();
    let session: Awaited<ReturnType<typeof rawSocketSession>> | undefined;
    try {
      const { lines, write } = (session = await rawSocketSession(g.gateway, 'evil'));
      write({ id: 1, method: 'tools/call', params: { name: 'evil_answer', arguments: { raw: '{"ch":"report","kind":"got"}\n', later: answer } } });
      await until('the call at the child', () => reports.includes('got'));
      child.send({ ch: 'attack', kind: 'progress', n: 3, kib: 1 });
      await until('the progress through the host', () => reports.includes('progress-done'));
      child.send({ ch: 'attack', kind: 'answer-held' });
      await until('the result', () => lines.some((l) => l.id === 1));
      assert.equal(lines.find((l) => l.id === 1)!.result?.content?.[0]?.text, 'done', 'the child\'s result reached the client');
      assert.deepEqual(lines.filter((l) => l.method === 'notifications/progress'), [], 'progress reached a client that asked for none');
    } finally {
      await session?.end();
      await g.dispose();
    }
  });
});
