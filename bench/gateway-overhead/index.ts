// bench/gateway-overhead: the echo tool through bridge → gateway socket → supervised child,
// against the same child on direct stdio (the direct path) and against the floor, in one run,
// interleaved. Goal (issue 17 item 3): ≤ 0.3 ms added at p50, p50 ratio ≤ 1.5. Prints; asserts
// nothing.
//
// The floor ("bare relays of the same shape"): the same bench client → relay-stdio.mjs (stdin ↔
// a Unix socket, bytes only) → relay-child.mjs (socket ↔ a child's stdio, bytes only) → the same
// child. No parsing, no policy, no audit: the best any design with a separate bridge process and
// a separate host process can do on this machine. "ours over floor" is what our bridge and host
// add above that. Where the host sandboxes its children (bubblewrap), a second floor runs its
// child in that same sandbox.
//
// A second line calls the test server's `slow` tool (one step of BENCH_TOOL_MS, default 5 ms),
// so the ratio is also shown on a call that does some work, as an upstream request does.
//
// BENCH_JSON_FLOOR=1 adds a floor whose relays parse every line as well (see relay-*.mjs).
// BENCH_N (default 5000) echo calls per path; BENCH_SLOW_N (default 200) slow calls per path;
// BENCH_WARM (default 300) warm-up echo calls per path, not counted.
// BENCH_PROF_DIR=<dir>: the host and the bridge run with --cpu-prof into <dir>/<ours|before>-<host|bridge>,
// sampling every BENCH_PROF_INTERVAL µs (default 200).
// BENCH_BEFORE_ROOT=<dir>: a second host and bridge from another build (say the branch's base,
// exported and built there) run in the same rounds as "before", for a same-run A/B.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { buildChildEnv } from '../../src/platform/supervisor/child-env.js';
import { detectSandbox, hiddenFromChildren } from '../../src/platform/supervisor/sandbox/detect-sandbox.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/mcp-test-server.ts');
const N = Number(process.env['BENCH_N'] ?? 5000);
const SLOW_N = Number(process.env['BENCH_SLOW_N'] ?? 200);
const TOOL_MS = Number(process.env['BENCH_TOOL_MS'] ?? 5);
// BENCH_WARM (default 300) uncounted echo calls per path first. The host's JIT is still compiling
// for thousands of calls (round 15: after 2,000 a third of its instructions per call were TurboFan's,
// after 6,000 none), so the CPU column carries that work unless BENCH_WARM is ~6000.
const WARM = Number(process.env['BENCH_WARM'] ?? 300);
const ROUNDS = 5;
const PROF_DIR = process.env['BENCH_PROF_DIR'];
const BEFORE_ROOT = process.env['BENCH_BEFORE_ROOT'] ? path.resolve(process.env['BENCH_BEFORE_ROOT']) : undefined;
// BENCH_NODE_FLAGS: more flags for the hosts and bridges (say --perf-basic-prof for `perf record`);
// BENCH_BEFORE_NODE_FLAGS, when set, replaces them for the "before" host and bridge (an A/B of
// flags: BENCH_BEFORE_ROOT=. with different flags on each side).
const flagList = (v: string | undefined): string[] => (v ?? '').split(' ').filter(Boolean);
const nodeFlags = (tag: string): string[] => flagList(tag.startsWith('before') && process.env['BENCH_BEFORE_NODE_FLAGS'] !== undefined ? process.env['BENCH_BEFORE_NODE_FLAGS'] : process.env['BENCH_NODE_FLAGS']);
const PROF_INTERVAL = process.env['BENCH_PROF_INTERVAL'] ?? '200';
const prof = (tag: string): string[] => [...nodeFlags(tag), ...(PROF_DIR ? ['--cpu-prof', '--cpu-prof-interval', PROF_INTERVAL, '--cpu-prof-dir', path.resolve(PROF_DIR, tag)] : [])];
const CHILD = [process.execPath, '--import', 'tsx', FIXTURE, '--stdio'] as const;

const homes: string[] = [];
const servers: ChildProcess[] = [];

/** CPU time (user + system) of `pid` so far, in ms; NaN where /proc is not there. */
function cpuMs(pid: number | null | undefined): number {
  return sysMs(pid, 11) + sysMs(pid, 12);
}

/** One CPU time of `pid` so far, in ms: field 11 is user time, 12 system time; NaN where /proc is not there. */
function sysMs(pid: number | null | undefined, field = 12): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[field]) * 1000) / 100; // in USER_HZ (100)
  } catch {
    return NaN;
  }
}

/** Resident memory of `pid` now, in MiB; NaN where /proc is not there. */
function rssMiB(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb) / 1024;
  } catch {
    return NaN;
  }
}

/** Start `keybroker serve` of the build at `root` on a fresh home; resolves with its env once it serves. */
async function startHost(root: string, tag: string): Promise<{ env: Record<string, string>; pid: number }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-gw-'));
  homes.push(home);
  new ConfigStore(home).save(Config.parse({ ...emptyConfig(), servers: [{ name: 'test', kind: 'vsphere', module: FIXTURE, execArgv: ['--import', 'tsx'] }] }));
  const env = { ...process.env, KEYBROKER_HOME: home } as Record<string, string>;
  const serve = spawn(process.execPath, [...prof(`${tag}-host`), path.join(root, 'bin/keybroker.js'), 'serve'], { env, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  servers.push(serve);
  let log = '';
  serve.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  while (!log.includes('serving from')) {
    if (serve.exitCode !== null) throw new Error(`keybroker serve (${root}) exited: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { env, pid: serve.pid! };
}

/**
 * Start the floor's host-shaped relay on a fresh socket; resolves with the socket path once it
 * listens. `sandboxed`: its child runs wrapped by the host's own sandbox (as the host's child
 * does), so the floor and ours differ only in what the two middle processes do.
 */
async function startFloor(sandboxed: boolean, json = false): Promise<{ socket: string; pid: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-floor-'));
  homes.push(dir);
  const socket = path.join(dir, 'relay.sock');
  let env: NodeJS.ProcessEnv = json ? { ...process.env, RELAY_JSON: path.join(dir, 'log') } : process.env;
  if (sandboxed) {
    const w = detectSandbox().wrap({ file: CHILD[0], args: CHILD.slice(1), env: buildChildEnv(process.env), modulePath: FIXTURE, hide: hiddenFromChildren(process.env) });
    env = { ...process.env, RELAY_SANDBOXED: JSON.stringify({ ...w, fd4: w.fd4 && Buffer.from(w.fd4).toString('base64') }) };
  }
  const relay = spawn(process.execPath, [path.join(import.meta.dirname, 'relay-child.mjs'), socket, ...CHILD], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] });
  servers.push(relay);
  await new Promise<void>((resolve, reject) => {
    relay.stdout!.once('data', () => resolve());
    relay.once('exit', (code) => reject(new Error(`relay-child exited (${code})`)));
  });
  return { socket, pid: relay.pid! };
}

interface Path {
  readonly label: string;
  readonly client: Client;
  /** Processes between the bench and the child whose CPU is counted: host and bridge. */
  readonly cpuPids: { host?: number; bridge?: number };
  readonly echo: number[];
  readonly slow: number[];
  readonly cpu: { host: number; bridge: number; hostSys: number; bridgeSys: number };
}

async function connect(label: string, command: string, args: string[], env: Record<string, string>, host?: number): Promise<Path> {
  const client = new Client({ name: 'bench', version: '1' }, { capabilities: {} });
  const transport = new StdioClientTransport({ command, args, env, cwd: ROOT, stderr: 'ignore' });
  await client.connect(transport);
  // The gateway answers tools/list once the child is up; wait for it.
  for (let i = 0; i < 100; i++) {
    try { await client.listTools(); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  const cpuPids = host === undefined ? {} : { host, bridge: transport.pid ?? undefined };
  return { label, client, cpuPids, echo: [], slow: [], cpu: { host: 0, bridge: 0, hostSys: 0, bridgeSys: 0 } };
}

async function run(p: Path, n: number, slow: boolean): Promise<void> {
  const before = { host: cpuMs(p.cpuPids.host), bridge: cpuMs(p.cpuPids.bridge), hostSys: sysMs(p.cpuPids.host), bridgeSys: sysMs(p.cpuPids.bridge) };
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    if (slow) await p.client.callTool({ name: 'slow', arguments: { steps: 1, delayMs: TOOL_MS } });
    else await p.client.callTool({ name: 'echo', arguments: { text: `m${i}` } });
    (slow ? p.slow : p.echo).push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  if (!slow) {
    p.cpu.host += cpuMs(p.cpuPids.host) - before.host;
    p.cpu.bridge += cpuMs(p.cpuPids.bridge) - before.bridge;
    p.cpu.hostSys += sysMs(p.cpuPids.host) - before.hostSys;
    p.cpu.bridgeSys += sysMs(p.cpuPids.bridge) - before.bridgeSys;
  }
}

const bin = (root: string): string => path.join(root, 'bin/keybroker.js');
const ours = await startHost(ROOT, 'ours');
const before = BEFORE_ROOT ? await startHost(BEFORE_ROOT, 'before') : undefined;
const floor = await startFloor(false);
// The host's children run in a sandbox where there is one (bubblewrap on Linux); a second
// floor runs its child in the same sandbox.
const sandboxed = detectSandbox().isolation === 'bubblewrap' ? await startFloor(true) : undefined;
const paths: Path[] = [
  await connect('direct stdio', CHILD[0], CHILD.slice(1), ours.env),
  await connect('floor: bare relays', process.execPath, [path.join(import.meta.dirname, 'relay-stdio.mjs'), floor.socket], ours.env, floor.pid),
];
if (sandboxed) paths.push(await connect('floor, child in bwrap', process.execPath, [path.join(import.meta.dirname, 'relay-stdio.mjs'), sandboxed.socket], ours.env, sandboxed.pid));
// BENCH_JSON_FLOOR=1: a third floor whose relays also parse every line (and the host-shaped one
// encodes it again and appends an audit-shaped line per answer): Node's unavoidable line work.
if (process.env['BENCH_JSON_FLOOR']) {
  const json = await startFloor(false, true);
  paths.push(await connect('floor + JSON per line', process.execPath, [path.join(import.meta.dirname, 'relay-stdio.mjs'), json.socket], { ...ours.env, RELAY_JSON: '1' }, json.pid));
}
const floors = paths.slice(1);
if (before) paths.push(await connect('before: bridge → gateway', process.execPath, [...prof('before-bridge'), bin(BEFORE_ROOT!), 'bridge', 'test'], before.env, before.pid));
paths.push(await connect('ours: bridge → gateway', process.execPath, [...prof('ours-bridge'), bin(ROOT), 'bridge', 'test'], ours.env, ours.pid));
const [direct, floorPath] = paths as [Path, Path];
const gatewayPaths = paths.slice(1 + floors.length);
const sandboxFloor = floors[1];

for (const p of paths) await run(p, WARM, false); // warm-up, not counted
// The warm-up's latencies and CPU are not the paths' (before round 15 its CPU was added to the
// column and divided by N: 300 calls more, and most of the JIT's work).
for (const p of paths) {
  p.echo.length = 0;
  Object.assign(p.cpu, { host: 0, bridge: 0, hostSys: 0, bridgeSys: 0 });
}
// Interleaved rounds: every path sees the same moments of a busy machine; the order turns
// round every other round, so no path always follows the same one.
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? paths : [...paths].reverse();
  for (const p of order) await run(p, Math.round(N / ROUNDS), false);
  for (const p of order) await run(p, Math.round(SLOW_N / ROUNDS), true);
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };
const ms = (x: number) => `${x.toFixed(3)} ms`;
const us = (x: number) => `${((x / N) * 1000).toFixed(0)} µs`;
console.log(`gateway-overhead: ${N} sequential echo calls per path, ${SLOW_N} calls of a ${TOOL_MS} ms tool (${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
for (const [kind, pick] of [['echo', (p: Path) => p.echo], [`${TOOL_MS} ms tool`, (p: Path) => p.slow]] as const) {
  const d = pct(pick(direct), 50);
  const f = pct(pick(floorPath), 50);
  console.log(`  ${kind}:`);
  for (const p of paths) {
    const x = pick(p);
    const vs = p === direct ? '' : `  added ${ms(pct(x, 50) - d)}  ratio ${(pct(x, 50) / d).toFixed(2)}`;
    console.log(`    ${p.label.padEnd(26)} p50 ${ms(pct(x, 50))}  p99 ${ms(pct(x, 99))}${vs}`);
  }
  const fs2 = sandboxFloor ? pct(pick(sandboxFloor), 50) : undefined;
  for (const p of gatewayPaths) {
    const g = pct(pick(p), 50);
    const share = f > d ? ((g - d) / (f - d)).toFixed(2) : 'n/a';
    const vsSandboxed = fs2 === undefined ? '' : `; over the floor with its child in bwrap: +${ms(g - fs2)}`;
    console.log(`    ${p.label.split(':')[0]} over floor: +${ms(g - f)} at p50 (${(g / f).toFixed(2)}× the floor; added ${share}× the floor's added)${vsSandboxed}`);
  }
}
console.log(`  goal: added at p50 ≤ 0.300 ms, ratio ≤ 1.50 (echo)`);
console.log(`  CPU per echo call (user+sys): ${[...floors, ...gatewayPaths].map((p) => `${p.label.split(':')[0]} host ${us(p.cpu.host)} bridge ${us(p.cpu.bridge)}`).join('; ')}`);
console.log(`  of it in the kernel (sys): ${[...floors, ...gatewayPaths].map((p) => `${p.label.split(':')[0]} host ${us(p.cpu.hostSys)} bridge ${us(p.cpu.bridgeSys)}`).join('; ')}`);
const mib = (pid: number | undefined) => `${rssMiB(pid).toFixed(0)} MiB`;
console.log(`  RSS after the calls: ${[...floors, ...gatewayPaths].map((p) => `${p.label.split(':')[0]} host ${mib(p.cpuPids.host)} bridge ${mib(p.cpuPids.bridge)}`).join('; ')}`);
for (const p of paths) await p.client.close();
for (const s of servers) s.kill('SIGINT');
await Promise.all(servers.map((s) => (s.exitCode !== null ? undefined : new Promise((r) => s.on('exit', r)))));
for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
