// bench/idle (issue 17): the resting footprint and the CLI's start-up cost, real parts only.
//   1. Idle RSS: `keybroker serve` with one vSphere and one P6 endpoint (added with
//      --no-verify: nothing is unlocked and no upstream is contacted), once both server
//      children run: current RSS (VmRSS) and peak (VmHWM) of the host and of each child,
//      and the sum against the goal (≤ 120 MiB).
//   2. CLI start: `keybroker status` (offline: no host; and online: host answering) and
//      `keybroker help` against a bare `node -e 0`, interleaved, wall p50 and time to the
//      first byte on stdout, and the overhead above bare node (goal < 150 ms).
//   3. Children on demand (issue 17 item 5, config `children.idleStopSeconds`): the same host
//      at rest with both children idle (not started), then after a first `keybroker tools`
//      per server (children started, manifests written), then once they were stopped as idle.
// Prints figures and ratios; asserts nothing.
//
// Env: BENCH_RUNS (15); BENCH_CLI=0 skips the CLI start part.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { KEYBROKER_BIN, runKeybroker, waitFor } from '../../test/support/keybroker-cli.js';
import { startSecretService } from '../../test/support/secret-service.js';
import { startServe } from '../../test/support/serve-process.js';
import { processMemoryKb as memKb, treeMemoryKb as treeKb } from '../support/process-memory.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const CLI = process.env['BENCH_CLI'] !== '0';
const GOAL_IDLE_MIB = 120;
const GOAL_CLI_MS = 150;
// A pin no server will ever match: the endpoints are never contacted in this bench.
const PIN = 'ab'.repeat(32);

const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One process run: wall time to exit and to the first stdout byte, in ms. */
function timeRun(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ wall: number; first: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = NaN;
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => (first = performance.now() - t0));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && args[0] !== KEYBROKER_BIN) return reject(new Error(`${args.join(' ')} exited ${code}`));
      const wall = performance.now() - t0;
      resolve({ wall, first: Number.isNaN(first) ? wall : first });
    });
  });
}

async function cliStart(label: string, ways: readonly { name: string; args: string[] }[], env: NodeJS.ProcessEnv): Promise<void> {
  const samples = new Map(ways.map((w) => [w.name, [] as { wall: number; first: number }[]]));
  // One warm-up round (page cache), then interleaved rounds with the order rotated.
  for (let round = 0; round <= RUNS; round++) {
    for (let k = 0; k < ways.length; k++) {
      const w = ways[(k + round) % ways.length]!;
      const s = await timeRun(w.args, env);
      if (round > 0) samples.get(w.name)!.push(s);
    }
  }
  const bare = median(samples.get('node -e 0')!.map((s) => s.wall));
  console.log(`  CLI start, ${label} (${RUNS} runs each, interleaved)`);
  console.log(`    ${'way'.padEnd(34)}${'wall p50'.padStart(10)}${'1st byte'.padStart(10)}${'over bare'.padStart(11)}${'ratio'.padStart(8)}`);
  for (const w of ways) {
    const wall = median(samples.get(w.name)!.map((s) => s.wall));
    const first = median(samples.get(w.name)!.map((s) => s.first));
    const over = w.name === 'node -e 0' ? '' : `+${(wall - bare).toFixed(0)} ms`;
    console.log(`    ${w.name.padEnd(34)}${`${wall.toFixed(0)} ms`.padStart(10)}${`${first.toFixed(0)} ms`.padStart(10)}${over.padStart(11)}${`${(wall / bare).toFixed(2)}×`.padStart(8)}`);
  }
  console.log(`    goal: status < ${GOAL_CLI_MS} ms over bare node`);
}

const ss = await startSecretService();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-idle-'));
const env: NodeJS.ProcessEnv = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
let serve: Awaited<ReturnType<typeof startServe>> | undefined;
try {
  const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
  for (const add of [
    ['endpoint', 'add', 'vsphere', 'vc', '--url', 'https://vcenter.invalid/sdk', '--user', 'u', '--fingerprint', PIN, '--no-verify', '--password-stdin'],
    ['endpoint', 'add', 'p6', 'pm', '--url', 'https://p6.invalid/p6ws/restapi', '--user', 'u', '--database', 'DB', '--fingerprint', PIN, '--no-verify', '--password-stdin'],
  ]) {
    const r = await cli(add, 'not-a-real-password\n');
    if (r.code !== 0) throw new Error(`keybroker ${add.slice(0, 3).join(' ')}: ${r.stderr.trim()}`);
  }

  const statusArgs = [KEYBROKER_BIN, 'status'];
  const ways = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'keybroker status', args: statusArgs },
    { name: 'keybroker help', args: [KEYBROKER_BIN, 'help'] },
  ];
  console.log(`idle: host + children at rest, and CLI start-up (${os.availableParallelism()} cores, node ${process.version})`);
  if (CLI) await cliStart('no host running (status from config.json)', ways, env);

  serve = await startServe(env);
  const hostPid = serve.proc.pid!;
  const children = await waitFor('both server children', async () => {
    const s = JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus;
    const running = s.children.filter((c) => c.pid !== undefined);
    return running.length >= 2 ? running : undefined;
  });
  // Settle: wait until every process's RSS stops growing (start-up garbage collected).
  const pids = [hostPid, ...children.map((c) => c.pid!)];
  let last = pids.map((p) => treeKb(p).rss);
  for (let stable = 0, i = 0; stable < 3 && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const now = pids.map((p) => treeKb(p).rss);
    stable = now.every((v, k) => Math.abs(v - last[k]!) < 256) ? stable + 1 : 0;
    last = now;
  }
  console.log('  idle RSS, nothing unlocked (each child counted with its sandbox launcher: bwrap → node)');
  console.log(`    ${'process'.padEnd(24)}${'RSS'.padStart(12)}${'peak RSS (sum)'.padStart(16)}`);
  let total = 0;
  for (const [name, pid] of [['host (keybroker serve)', hostPid], ...children.map((c) => [`child ${c.name}`, c.pid!] as const)] as const) {
    // The host's own process only: its children are listed below it.
    const m = pid === hostPid ? memKb(pid) : treeKb(pid);
    total += m.rss;
    console.log(`    ${name.padEnd(24)}${mib(m.rss).padStart(12)}${mib(m.hwm).padStart(16)}`);
  }
  console.log(`    ${'total'.padEnd(24)}${mib(total).padStart(12)}   goal ≤ ${GOAL_IDLE_MIB} MiB: ${(total / 1024 / GOAL_IDLE_MIB).toFixed(2)}× of it`);

  if (CLI) await cliStart('host running (status over the control socket)', ways, env);
  await serve.stop();
  serve = undefined;

  // 3. Children on demand: the same home, with config `children`.
  const configFile = path.join(home, 'config.json');
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(configFile, JSON.stringify({ ...config, children: { idleStopSeconds: 15 } }, null, 2));
  serve = await startServe(env);
  const demandPid = serve.proc.pid!;
  const status = async () => JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus;
  const settle = async (pidsOf: () => Promise<number[]>) => {
    let prev = 0;
    for (let stable = 0, i = 0; stable < 3 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const now = (await pidsOf()).reduce((sum, p) => sum + (p === demandPid ? memKb(p).rss : treeKb(p).rss), 0);
      stable = Math.abs(now - prev) < 256 ? stable + 1 : 0;
      prev = now;
    }
  };
  const show = async (label: string) => {
    const s = await status();
    const running = s.children.filter((c) => c.pid !== undefined);
    await settle(async () => [demandPid, ...running.map((c) => c.pid!)]);
    let sum = memKb(demandPid).rss;
    const parts = [`host ${mib(sum)}`];
    for (const c of running) {
      const m = treeKb(c.pid!).rss;
      sum += m;
      parts.push(`${c.name} ${mib(m)}`);
    }
    console.log(`    ${label.padEnd(44)}${mib(sum).padStart(12)}  (${parts.join(', ')}; states ${s.children.map((c) => `${c.name}=${c.state}`).join(' ')})`);
  };
  console.log('  children on demand (config children.idleStopSeconds = 15): RSS of host + running children');
  await waitFor('both children idle', async () => ((await status()).children.every((c) => c.state === 'idle') ? true : undefined));
  await show('at rest, children idle (never started)');
  for (const server of ['vsphere', 'p6']) {
    const r = await cli(['tools', server]);
    if (r.code !== 0) throw new Error(`keybroker tools ${server}: ${r.stderr.trim()}`);
  }
  await show('after a first tools/list each (children up)');
  await waitFor('both children stopped as idle', async () => ((await status()).children.every((c) => c.state === 'idle' && c.pid === undefined) ? true : undefined), 60_000);
  await show('after the idle stop');
  console.log(`    goal: at rest ≤ ${GOAL_IDLE_MIB} MiB`);
} finally {
  await serve?.stop();
  await ss.stop();
  fs.rmSync(home, { recursive: true, force: true });
}
