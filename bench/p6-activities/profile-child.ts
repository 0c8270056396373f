// The P6 server child alone (issue 17 item 4): dist/mcp/p6 in --stdio mode against the P6
// fake, the 50,000-activity walk in pages of 5,000, with the child's peak RSS at idle, after
// page 1 and at the end. No gateway, no sandbox: what the child itself costs. Extra node
// flags for the child go in P6_CHILD_FLAGS, e.g.
//   P6_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p6-prof" node --import tsx bench/p6-activities/profile-child.ts
//   P6_CHILD_FLAGS="--heapsnapshot-signal=SIGUSR2" (and P6_SNAPSHOT=1: a snapshot after page 1)
// P6_SLOW_MS=N makes the fake answer every request N ms late (a P6 across a network), and
// P6_CHILD_ENV="MALLOC_ARENA_MAX=2 ..." adds environment variables to the child's, and
// P6_CHILD_BUNDLE=path runs another build of the child (an A/B against a base build), and
// CLIENT_MS=N has the client spend N ms on each page before asking for the next.
// The child gets the product's flags and tunables (the P6 kind's execArgv and env:
// src/platform/kinds/p6.ts) before those; P6_CHILD_PLAIN=1 leaves them out. The fake runs in
// its own process, as in bench:p6 (fake-process.ts).
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BIG_PROJECT_OBJECT_ID } from '../../test/fixtures/p6/generate-dataset.js';
import { p6Module } from '../../src/platform/kinds/p6.js';
import { processMemoryKb } from '../support/process-memory.js';
import { treeCpuMs } from './process-cpu.js';
import { startFakeProcess } from './start-fake-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIELDS = ['ObjectId', 'Id', 'Name', 'Status', 'StartDate', 'FinishDate', 'RemainingDuration', 'TotalFloat'];
const PAGE = Number(process.env['BENCH_PAGE'] ?? 5000);
const PASSWORD = 'bench-Pl4nner';
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

/** Extra environment for the child from P6_CHILD_ENV, `NAME=value` pairs split on spaces (e.g. glibc's MALLOC_* tunables). */
function childEnv(): Record<string, string> {
  return Object.fromEntries((process.env['P6_CHILD_ENV'] ?? '').split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

const product: { execArgv?: readonly string[]; env?: Readonly<Record<string, string>> } = process.env['P6_CHILD_PLAIN'] ? {} : (p6Module.server ?? {});
const fake = await startFakeProcess({ users: [{ username: 'planner', password: PASSWORD }], slowMs: Number(process.env['P6_SLOW_MS'] ?? 0) });
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [...(product.execArgv ?? []), ...(process.env['P6_CHILD_FLAGS'] ?? '').split(' ').filter(Boolean), process.env['P6_CHILD_BUNDLE'] ?? path.join(ROOT, 'dist/mcp/p6/index.cjs'), '--stdio'],
  env: { ...product.env, ...childEnv(), PATH: process.env['PATH'] ?? '', P6_URL: fake.url, P6_USER: 'planner', P6_PASSWORD: PASSWORD, P6_DATABASE: 'PMDB', P6_FINGERPRINT: fake.fingerprintSha256 },
  cwd: ROOT,
  stderr: 'inherit',
});
const client = new Client({ name: 'bench', version: '1' }, { capabilities: {} });
try {
  await client.connect(transport);
  const pid = transport.pid!;
  const hwm = () => processMemoryKb(pid).hwm;
  const idle = hwm();
  const list = (cursor?: string) =>
    client.callTool({ name: 'p6_list_activities', arguments: { projectObjectId: BIG_PROJECT_OBJECT_ID, fields: FIELDS, limit: PAGE, ...(cursor && { cursor }) } }, undefined, { timeout: 300_000 }) as Promise<CallToolResult>;
  for (let round = 0; round < Number(process.env['BENCH_ROUNDS'] ?? 3); round++) {
    const t0 = performance.now();
    const cpu0 = treeCpuMs(pid);
    let cursor: string | undefined;
    let rows = 0;
    let pages = 0;
    let afterFirst = 0;
    do {
      const r = await list(cursor);
      if (r.isError) throw new Error(`p6_list_activities failed: ${JSON.stringify(r.content)}`);
      const page = r.structuredContent as { rows: unknown[]; nextCursor?: string };
      rows += page.rows.length;
      cursor = page.nextCursor;
      if (process.env['CLIENT_MS']) await new Promise((r) => setTimeout(r, Number(process.env['CLIENT_MS'])));
      if (++pages === 1) afterFirst = hwm();
      if (pages === 1 && round === 0 && process.env['P6_SNAPSHOT']) process.kill(pid, 'SIGUSR2');
    } while (cursor);
    console.log(`round ${round}: ${rows} rows in ${pages} pages, ${(performance.now() - t0).toFixed(0)} ms, child CPU ${treeCpuMs(pid) - cpu0} ms; child peak RSS idle ${mib(idle)} → page 1 ${mib(afterFirst)} → end ${mib(hwm())}`);
  }
} finally {
  await client.close();
  await fake.stop();
}
