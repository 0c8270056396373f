// bench/p6-activities (issue 6): all 50,000 activities of the big project with a fixed field
// set, two ways in one run: (a) p6_list_activities paged through bridge → gateway → p6
// child (after one unlock approval), (b) one raw fetch straight from the P6 fake, as bare
// node (raw-read.ts bundled, not under tsx) in a process of its own. The fake runs in its own
// process too (fake-process.ts), as a real P6 server runs apart from its clients: neither the
// walk's MCP client nor the raw read shares a thread with it (D97). Prints wall
// time and peak RSS (VmHWM) of each, the CPU of every process, and the ratios. Goals: wall
// ratio ≤ 1.5; the child's peak RSS ≤ half of the raw read's. Also what each side adds to its
// process (peak over the child's idle size, over a bare node's). Prints; asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { BIG_PROJECT_OBJECT_ID } from '../../test/fixtures/p6/generate-dataset.js';
import { KEYBROKER_BIN, runKeybroker, waitFor } from '../../test/support/keybroker-cli.js';
import { startSecretService } from '../../test/support/secret-service.js';
import { startServe } from '../../test/support/serve-process.js';
import { treeMemoryKb } from '../support/process-memory.js';
import { bundleRawRead } from './bundle-raw-read.js';
import { treeCpuMs } from './process-cpu.js';
import { startFakeProcess } from './start-fake-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIELDS = ['ObjectId', 'Id', 'Name', 'Status', 'StartDate', 'FinishDate', 'RemainingDuration', 'TotalFloat'];
const PAGE = Number(process.env['BENCH_PAGE'] ?? 5000);
const PASSWORD = 'bench-Pl4nner';
// The child's tree: under bubblewrap the pid the host reports is the launcher (bwrap → node).
const vmHwmKb = (pid: number) => treeMemoryKb(pid).hwm;
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

// Everything started is stopped in `finally`, last started first, whatever fails.
const stops: (() => unknown)[] = [];
try {
  const ss = await startSecretService();
  stops.push(() => ss.stop());
  const fake = await startFakeProcess({ users: [{ username: 'planner', password: PASSWORD }] });
  stops.push(() => fake.stop());
  const rawReadJs = await bundleRawRead();
  stops.push(() => rawReadJs.dispose());
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-p6-'));
  stops.push(() => fs.rmSync(home, { recursive: true, force: true }));
  const env = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
  await cli(['endpoint', 'add', 'p6', 'pm', '--url', fake.url, '--user', 'planner', '--database', 'PMDB', '--ca', fake.caFile, '--password-stdin'], PASSWORD);
  const serve = await startServe(env);
  stops.push(() => serve.stop());
  const childPid = async () => (JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus).children.find((c) => c.name === 'p6')?.pid;
  // Children start on demand (the default, D77): a first tools/list starts the p6 child, which
  // then rests with nothing walked (the idle baseline below).
  const listed = await cli(['tools', 'p6']);
  if (listed.code !== 0) throw new Error(`keybroker tools p6: ${listed.stderr.trim()}`);
  await waitFor('p6 child', async () => ((await childPid()) ? true : undefined), 30_000);
  await new Promise((r) => setTimeout(r, 500));
  const idleKb = vmHwmKb((await childPid())!);
  const client = new Client({ name: 'bench', version: '1' }, { capabilities: {} });
  const bridge = new StdioClientTransport({ command: process.execPath, args: [KEYBROKER_BIN, 'bridge', 'p6'], env: env as Record<string, string>, cwd: ROOT, stderr: 'ignore' });
  await client.connect(bridge);
  stops.push(() => client.close());
  const list = (cursor?: string) =>
    client.callTool({ name: 'p6_list_activities', arguments: { endpoint: 'pm', projectObjectId: BIG_PROJECT_OBJECT_ID, fields: FIELDS, limit: PAGE, ...(cursor && { cursor }) } }, undefined, { timeout: 300_000 }) as Promise<CallToolResult>;

  // The one approval: unlocking the endpoint (reads need no per-call approval).
  const first = list();
  const unlock = await waitFor('the unlock approval', async () => (JSON.parse((await cli(['approvals', '--json'])).stdout) as ApprovalRequest[])[0]);
  await cli(['approve', unlock.id]);
  await first;

  // (a) through the gateway, paged. The child's VmHWM so far is its idle-plus-one-page baseline.
  const baselineKb = vmHwmKb((await childPid())!);
  // CPU (user + system) per walk: the host (whose tree includes the child) and the child alone,
  // the bridge, the bench process (the MCP client) and the fake (P6's side, its own process).
  const cpuNow = () => {
    const host = treeCpuMs(serve.proc.pid!);
    return { host, child: treeCpuMs(childPidNow!), bridge: treeCpuMs(bridge.pid!), bench: process.cpuUsage(), fake: treeCpuMs(fake.pid) };
  };
  let childPidNow: number | undefined;
  const walk = async () => {
    childPidNow = await childPid();
    const c0 = cpuNow();
    const t0 = performance.now();
    let rows = 0;
    let pages = 0;
    let cursor: string | undefined;
    do {
      const r = await list(cursor);
      if (r.isError) throw new Error(`p6_list_activities failed: ${JSON.stringify(r.content)}`);
      const page = r.structuredContent as { rows: unknown[]; nextCursor?: string };
      rows += page.rows.length;
      pages++;
      cursor = page.nextCursor;
    } while (cursor);
    const ms = performance.now() - t0;
    const c1 = cpuNow();
    const bench = process.cpuUsage(c0.bench);
    const cpu = { child: c1.child - c0.child, host: c1.host - c1.child - (c0.host - c0.child), bridge: c1.bridge - c0.bridge, bench: (bench.user + bench.system) / 1000, fake: c1.fake - c0.fake };
    return { ms, rows, pages, cpu };
  };
  // This machine is noisy: a few rounds of each, alternating, and the median wall time.
  const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const gatewayRuns: Awaited<ReturnType<typeof walk>>[] = [];
  const directRuns: { wallMs: number; rows: number; vmHwmKb: number; cpuMs: number; fakeCpuMs: number }[] = [];
  const pid = await childPid();

  // (b) one raw fetch in its own process, so its peak RSS is its own: bare node running the
  // bundled raw-read.ts. Its CPU is read from /proc just before it exits (it waits on stdin for
  // that), with the fake's over the same span.
  const rawRead = async () => {
    // BENCH_RAW_FLAGS: node flags for the raw read (e.g. the P6 child's --liftoff-only), to see their share.
    const raw = spawn(process.execPath, [...(process.env['BENCH_RAW_FLAGS'] ?? '').split(' ').filter(Boolean), rawReadJs.file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((r) => raw.on('exit', r));
    const fake0 = treeCpuMs(fake.pid);
    let out = '';
    raw.stdout.setEncoding('utf8');
    const result = new Promise<string>((resolve) => raw.stdout.on('data', (d: string) => (out += d).includes('\n') && resolve(out)));
    raw.stdin.write(`${JSON.stringify({ url: fake.url, caPem: fake.caPem, username: 'planner', password: PASSWORD, fields: FIELDS, projectObjectId: BIG_PROJECT_OBJECT_ID })}\n`);
    const line = await Promise.race([result, exited.then(() => out)]);
    const cpuMs = treeCpuMs(raw.pid!);
    const fakeCpuMs = treeCpuMs(fake.pid) - fake0;
    raw.stdin.end();
    await exited;
    return { ...(JSON.parse(line) as { wallMs: number; rows: number; vmHwmKb: number }), cpuMs, fakeCpuMs };
  };
  for (let i = 0; i < ROUNDS; i++) {
    gatewayRuns.push(await walk());
    directRuns.push(await rawRead());
  }
  const childKb = pid ? vmHwmKb(pid) : NaN;
  const { rows, pages } = gatewayRuns[0]!;
  const gatewayMs = median(gatewayRuns.map((r) => r.ms));
  const direct = { wallMs: median(directRuns.map((r) => r.wallMs)), rows: directRuns[0]!.rows, vmHwmKb: median(directRuns.map((r) => r.vmHwmKb)), cpuMs: median(directRuns.map((r) => r.cpuMs)), fakeCpuMs: median(directRuns.map((r) => r.fakeCpuMs)) };

  console.log(`p6-activities: ${rows} activities, ${FIELDS.length} fields, median of ${ROUNDS} rounds (${os.cpus().length} cores, node ${process.version})`);
  console.log(`  (a) p6_list_activities via gateway, ${pages} pages of ${PAGE}: ${gatewayMs.toFixed(0)} ms, p6 child peak RSS ${mib(childKb)} (idle ${mib(idleKb)}, ${mib(baselineKb)} after the first page)`);
  const cpuMedian = (k: 'child' | 'host' | 'bridge' | 'bench' | 'fake') => median(gatewayRuns.map((r) => r.cpu[k])).toFixed(0);
  console.log(`      CPU per walk (user + system, median): child ${cpuMedian('child')} ms, host without the child ${cpuMedian('host')} ms, bridge ${cpuMedian('bridge')} ms, bench process (MCP client) ${cpuMedian('bench')} ms; the fake ${cpuMedian('fake')} ms`);
  console.log(`  (b) one raw fetch straight from the fake (bare node): ${direct.wallMs.toFixed(0)} ms for ${direct.rows} rows, peak RSS ${mib(direct.vmHwmKb)}`);
  console.log(`      CPU (user + system, median): the raw read's process ${direct.cpuMs.toFixed(0)} ms (start-up included); the fake ${direct.fakeCpuMs.toFixed(0)} ms`);
  console.log(`  wall ratio a/b = ${(gatewayMs / direct.wallMs).toFixed(2)}  (goal ≤ 1.50)`);
  console.log(`  RSS ratio child/raw = ${(childKb / direct.vmHwmKb).toFixed(2)}  (goal ≤ 0.50)`);
  // What each side adds to the process it runs in, for the reader of the goal above: the child's
  // peak over its own idle size, against the raw read's peak over a bare node's (`node -e` that
  // reads its own VmHWM as it ends). Not the goal; docs/PERFORMANCE.md §3, round 9.
  const bare = spawnSync(process.execPath, ['-e', "process.stdout.write(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1])"], { encoding: 'utf8' });
  const bareKb = Number(bare.stdout);
  console.log(`  growth: child peak − child idle ${mib(childKb - idleKb)}; raw read peak − bare node (${mib(bareKb)}) ${mib(direct.vmHwmKb - bareKb)}; ratio ${((childKb - idleKb) / (direct.vmHwmKb - bareKb)).toFixed(2)}`);
} finally {
  for (const stop of stops.reverse()) await stop();
}
