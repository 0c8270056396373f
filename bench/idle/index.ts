// bench/idle (issue 17): the resting footprint and the CLI's start-up cost, real parts only.
//   1. Idle RSS, the headline: `keybroker serve` as installed (children on demand, the
//      default since D81) with one vSphere and one P6 endpoint (added with
//      --no-verify: nothing is unlocked and no upstream is contacted), at rest with both
//      children idle (not started): host + running children against the goal (≤ 120 MiB);
//      then after a first `keybroker tools` per server (children started, manifests written).
//   2. The peer, always on (`children.idleStopSeconds: 0`), once both server children run:
//      current RSS (VmRSS) and peak (VmHWM) of the host and of each child, the sum, and the
//      ratio of the default to it.
//   3. The idle stop: with `children.idleStopSeconds: 15`, after a first `keybroker tools`
//      per server and once both children were stopped as idle.
//   4. CLI start: `keybroker status` (offline: no host; and online: host answering) and
//      `keybroker help` against a bare `node -e 0`, interleaved, wall p50, time to the first
//      byte on stdout, CPU (user+sys, mean; Linux) and the overhead above bare node (goal
//      < 150 ms). BENCH_CLI_BEFORE=<other checkout>/bin/keybroker.js adds that CLI's status
//      to the same interleaved runs (a same-run before/after: build the base into a temp folder).
// Prints figures and ratios; asserts nothing.
//
// Env: BENCH_RUNS (15); BENCH_CLI=0 skips the CLI start part; BENCH_CLI_BEFORE (above).
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
const CLI_BEFORE = process.env['BENCH_CLI_BEFORE'];
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

/**
 * CPU (user+sys) of this process's exited children so far, in ms: /proc/self/stat's cutime
 * and cstime (clock ticks, 100 per second on Linux). A child's share is the difference
 * around its run; the tick rounding does not add up across runs, so the mean is good to
 * 10 ms / runs. NaN where there is no /proc (macOS).
 */
function childrenCpuMs(): number {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

/** One process run: wall time to exit and to the first stdout byte, and its CPU, in ms. */
function timeRun(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ wall: number; first: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    let first = NaN;
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => (first = performance.now() - t0));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && args[0] !== KEYBROKER_BIN) return reject(new Error(`${args.join(' ')} exited ${code}`));
      const wall = performance.now() - t0;
      resolve({ wall, first: Number.isNaN(first) ? wall : first, cpu: childrenCpuMs() - cpu0 });
    });
  });
}

async function cliStart(label: string, ways: readonly { name: string; args: string[] }[], env: NodeJS.ProcessEnv): Promise<void> {
  const samples = new Map(ways.map((w) => [w.name, [] as { wall: number; first: number; cpu: number }[]]));
  // One warm-up round (page cache), then interleaved rounds with the order rotated.
  for (let round = 0; round <= RUNS; round++) {
    for (let k = 0; k < ways.length; k++) {
      const w = ways[(k + round) % ways.length]!;
      const s = await timeRun(w.args, env);
      if (round > 0) samples.get(w.name)!.push(s);
    }
  }
  const bare = median(samples.get('node -e 0')!.map((s) => s.wall));
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bareCpu = mean(samples.get('node -e 0')!.map((s) => s.cpu));
  console.log(`  CLI start, ${label} (${RUNS} runs each, interleaved; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log(`    ${'way'.padEnd(34)}${'wall p50'.padStart(10)}${'1st byte'.padStart(10)}${'over bare'.padStart(11)}${'ratio'.padStart(8)}${'CPU mean'.padStart(10)}${'CPU over'.padStart(10)}`);
  for (const w of ways) {
    const wall = median(samples.get(w.name)!.map((s) => s.wall));
    const first = median(samples.get(w.name)!.map((s) => s.first));
    const cpu = mean(samples.get(w.name)!.map((s) => s.cpu));
    const isBare = w.name === 'node -e 0';
    const over = isBare ? '' : `+${(wall - bare).toFixed(0)} ms`;
    const cpuOver = isBare || Number.isNaN(cpu) ? '' : `+${(cpu - bareCpu).toFixed(0)} ms`;
    console.log(`    ${w.name.padEnd(34)}${`${wall.toFixed(0)} ms`.padStart(10)}${`${first.toFixed(0)} ms`.padStart(10)}${over.padStart(11)}${`${(wall / bare).toFixed(2)}×`.padStart(8)}${(Number.isNaN(cpu) ? 'n/a' : `${cpu.toFixed(0)} ms`).padStart(10)}${cpuOver.padStart(10)}`);
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
    ...(CLI_BEFORE ? [{ name: 'keybroker status, before', args: [CLI_BEFORE, 'status'] }] : []),
    { name: 'keybroker help', args: [KEYBROKER_BIN, 'help'] },
  ];
  console.log(`idle: host + children at rest, and CLI start-up (${os.availableParallelism()} cores, node ${process.version})`);
  if (CLI) await cliStart('no host running (status from config.json)', ways, env);

  const configFile = path.join(home, 'config.json');
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  /** config.json as installed, with `children` set to `children` (or left to its default). */
  const withChildren = (children?: { idleStopSeconds: number }) => {
    const { children: _ignored, ...rest } = config;
    fs.writeFileSync(configFile, JSON.stringify(children ? { ...rest, children } : rest, null, 2));
  };
  const status = async () => JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus;
  /** Wait until the summed RSS of `pidsOf()` stops growing (start-up garbage collected). */
  const settle = async (hostPid: number, pidsOf: () => Promise<number[]>) => {
    let prev = 0;
    for (let stable = 0, i = 0; stable < 3 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const now = (await pidsOf()).reduce((sum, p) => sum + (p === hostPid ? memKb(p).rss : treeKb(p).rss), 0);
      stable = Math.abs(now - prev) < 256 ? stable + 1 : 0;
      prev = now;
    }
  };
  /** Print host + running children (each child counted with its sandbox launcher); returns the sum in KiB. */
  const show = async (hostPid: number, label: string): Promise<number> => {
    const s = await status();
    const running = s.children.filter((c) => c.pid !== undefined);
    await settle(hostPid, async () => [hostPid, ...running.map((c) => c.pid!)]);
    let sum = memKb(hostPid).rss;
    const parts = [`host ${mib(sum)}`];
    for (const c of running) {
      const m = treeKb(c.pid!).rss;
      sum += m;
      parts.push(`${c.name} ${mib(m)}`);
    }
    console.log(`    ${label.padEnd(44)}${mib(sum).padStart(12)}  (${parts.join(', ')}; states ${s.children.map((c) => `${c.name}=${c.state}`).join(' ')})`);
    return sum;
  };
  const firstToolsList = async () => {
    for (const server of ['vsphere', 'p6']) {
      const r = await cli(['tools', server]);
      if (r.code !== 0) throw new Error(`keybroker tools ${server}: ${r.stderr.trim()}`);
    }
  };

  // 1. The default: children on demand (config.json as `endpoint add` wrote it).
  withChildren(undefined);
  serve = await startServe(env);
  const defaultPid = serve.proc.pid!;
  console.log('  idle RSS, the default (children on demand, 10 min idle stop): host + running children, nothing unlocked');
  await waitFor('both children idle', async () => ((await status()).children.every((c) => c.state === 'idle') ? true : undefined));
  const atRest = await show(defaultPid, 'at rest, children idle (never started)');
  console.log(`    ${'headline: idle host + children'.padEnd(44)}${mib(atRest).padStart(12)}  goal ≤ ${GOAL_IDLE_MIB} MiB: ${(atRest / 1024 / GOAL_IDLE_MIB).toFixed(2)}× of it`);
  await firstToolsList();
  await show(defaultPid, 'after a first tools/list each (children up)');
  await serve.stop();
  serve = undefined;

  // 2. The peer: always on.
  withChildren({ idleStopSeconds: 0 });
  serve = await startServe(env);
  const hostPid = serve.proc.pid!;
  const children = await waitFor('both server children', async () => {
    const running = (await status()).children.filter((c) => c.pid !== undefined);
    return running.length >= 2 ? running : undefined;
  });
  const pids = [hostPid, ...children.map((c) => c.pid!)];
  await settle(hostPid, async () => pids);
  console.log('  peer: always on (config children.idleStopSeconds = 0), nothing unlocked (each child counted with its sandbox launcher: bwrap → node)');
  console.log(`    ${'process'.padEnd(24)}${'RSS'.padStart(12)}${'peak RSS (sum)'.padStart(16)}`);
  let total = 0;
  for (const [name, pid] of [['host (keybroker serve)', hostPid], ...children.map((c) => [`child ${c.name}`, c.pid!] as const)] as const) {
    // The host's own process only: its children are listed below it.
    const m = pid === hostPid ? memKb(pid) : treeKb(pid);
    total += m.rss;
    console.log(`    ${name.padEnd(24)}${mib(m.rss).padStart(12)}${mib(m.hwm).padStart(16)}`);
  }
  console.log(`    ${'total'.padEnd(24)}${mib(total).padStart(12)}   default / always on: ${(atRest / total).toFixed(2)}×`);

  if (CLI) await cliStart('host running (status over the control socket)', ways, env);
  await serve.stop();
  serve = undefined;

  // 3. The idle stop, with a short period.
  withChildren({ idleStopSeconds: 15 });
  // No manifest, so each first tools/list starts its child (part 1 left one behind).
  fs.rmSync(path.join(home, 'tool-manifest.json'), { force: true });
  serve = await startServe(env);
  const demandPid = serve.proc.pid!;
  console.log('  the idle stop (config children.idleStopSeconds = 15): RSS of host + running children');
  await waitFor('both children idle', async () => ((await status()).children.every((c) => c.state === 'idle') ? true : undefined));
  await firstToolsList();
  await show(demandPid, 'after a first tools/list each (children up)');
  await waitFor('both children stopped as idle', async () => ((await status()).children.every((c) => c.state === 'idle' && c.pid === undefined) ? true : undefined), 60_000);
  await show(demandPid, 'after the idle stop');
} finally {
  await serve?.stop();
  await ss.stop();
  fs.rmSync(home, { recursive: true, force: true });
}
