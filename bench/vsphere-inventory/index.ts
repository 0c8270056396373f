// bench/vsphere-inventory (issue 5): list every VM of a ~5,000-VM vcsim over HTTPS (name,
// power state, CPU, memory, IP, host) three ways in one run, each a one-shot process doing
// the same work (login with a SHA-256 pin, recursive ContainerView, RetrievePropertiesEx
// pages, host names, logout):
//   1. ours:    bench/vsphere-inventory/ours.ts (listAllVmsOneShot), built like the product's
//               server children (bundle-one-shot.ts: one CommonJS bundle and its code cache);
//   2. govmomi: bench/peers/govmomi-list (Debian's govmomi 0.24.2);
//   3. pyVmomi: bench/peers/pyvmomi_list.py (Debian's python3-pyvmomi, /usr/bin/python3).
// Runs are interleaved (round-robin, order rotated each round) after one warm-up round, and
// every run's output is checked against the others. Prints medians and ratios against the
// goals (ours ≤ 1.0 × govmomi and ≤ 0.5 × pyVmomi in wall time); asserts nothing.
//
// Env: BENCH_RUNS (5), BENCH_VMS (5000), BENCH_MAX_OBJECTS (1000, the peers' page size),
// BENCH_BASE (optional: another checkout, e.g. main copied to a temp folder; its one-shot
// runs as a fourth way, interleaved with ours, for a same-run before/after),
// BENCH_VCSIM_TICK_MS (20: vcsim's WaitForUpdatesEx tick. Debian's 0.24.2 waits 250 ms
// before answering even maxWaitSeconds 0, a simulator artefact: govmomi ≥ 0.25 ticks every
// 20 ms and vCenter answers at once. The bench runs Debian's source with upstream's 20 ms
// (VcsimOptions.collectorTickMs, one line through `go build -overlay`); 250 runs Debian's
// build as packaged. Only the kept-inventory walks call WaitForUpdatesEx; the one-shots and
// the peers never do. D101).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildGoBinary, startVcsim, type Vcsim } from '../../test/support/vcsim.js';
import { bundleCheckout, ONE_SHOT_CONNECTOR } from './bundle-one-shot.js';
import { gatewayWalk } from './gateway-walk.js';
import { callsSince } from './soap-calls.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUNS = positive('BENCH_RUNS', 5);
const TARGET_VMS = positive('BENCH_VMS', 5000);
const MAX_OBJECTS = positive('BENCH_MAX_OBJECTS', 1000);
// vcsim's VPX model creates `vms` VMs per cluster root pool and per standalone host; the
// hosts per cluster only spread them (simulator/model.go addMachine), so the count is
// vms × (clusters + standalone).
const CLUSTERS = 3;
const STANDALONE = 1;
const HOSTS_PER_CLUSTER = 3;
const VMS_PER_POOL = Math.ceil(TARGET_VMS / (CLUSTERS + STANDALONE));

const GNU_TIME = '/usr/bin/time';
const PYTHON = '/usr/bin/python3';
const BASE_ROOT = process.env['BENCH_BASE'] ? path.resolve(process.env['BENCH_BASE']) : undefined;
// One folder per run, not in .cache: .cache may be shared between checkouts, and another
// checkout's run would then bundle its own code over ours mid-run. Not in dist/ either,
// which the app packages. The bundle needs no node_modules (the connector bundles undici).
const OURS_OUT = path.join(os.tmpdir(), `kb-bench-vsphere-ours-${process.pid}`);
const BASE_OUT = path.join(os.tmpdir(), `kb-bench-vsphere-base-${process.pid}`);

interface Way {
  readonly label: string;
  readonly cmd: string;
  readonly args: readonly string[];
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssKB: number;
}

interface WayResult {
  readonly way: Way;
  readonly samples: Sample[];
  /** Why this way has no figures (not built, or a run failed). */
  skipped?: string;
  /** SOAP calls of the warm-up run by method, from vcsim's counter: shows the work is the same. */
  calls?: string;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

/** The one-shot of `root`, bundled by that checkout's bundle-one-shot.ts; undefined while the connector does not exist yet. */
async function bundleOurs(root = ROOT, outdir = OURS_OUT): Promise<{ entry: string; flags: readonly string[]; finish: (env: Record<string, string>) => Promise<void> } | undefined> {
  if (!fs.existsSync(path.join(root, ONE_SHOT_CONNECTOR))) return undefined;
  // bundleCheckout has another checkout bundled by its own bundle-one-shot.ts, so its one-shot
  // runs with its own child flags and code cache, as ours does.
  return bundleCheckout(root, outdir);
}

/**
 * One run under GNU time: wall from our clock (ms resolution), the child's user+sys CPU and
 * peak RSS from its rusage (GNU time prints CPU in 10 ms steps). Resolves with the stdout.
 */
function measure(way: Way, env: NodeJS.ProcessEnv, statsFile: string): Promise<Sample & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(GNU_TIME, ['-f', '%e %U %S %M', '-o', statsFile, way.cmd, ...way.args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2_000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      // GNU time writes "Command exited with non-zero status" first on failure; the
      // figures are always the last line.
      const last = fs.readFileSync(statsFile, 'utf8').trim().split('\n').at(-1) ?? '';
      const [, user, sys, rss] = last.split(' ').map(Number);
      if (user === undefined || sys === undefined || rss === undefined) return reject(new Error(`unexpected GNU time output: ${last}`));
      resolve({ wallMs, cpuMs: (user + sys) * 1000, rssKB: rss, stdout: Buffer.concat(out).toString() });
    });
  });
}

/** The rows as a comparable string: optional fields made explicit, order kept (sorting is part of the work). */
function canonical(stdout: string): { key: string; names: string[] } {
  const rows = JSON.parse(stdout) as { name: string; powerState: string; numCpu: number; memoryMB: number; ip?: string; host?: string }[];
  if (!Array.isArray(rows)) throw new Error('output is not a JSON array');
  const tuples = rows.map((r) => [r.name, r.powerState, r.numCpu, r.memoryMB, r.ip ?? null, r.host ?? null]);
  return { key: JSON.stringify(tuples), names: rows.map((r) => r.name) };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function firstDifference(a: string, b: string): string {
  const ra = JSON.parse(a) as unknown[];
  const rb = JSON.parse(b) as unknown[];
  const i = ra.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(rb[k]));
  return i < 0 ? `lengths ${ra.length} vs ${rb.length}` : `row ${i}: ${JSON.stringify(ra[i])} vs ${JSON.stringify(rb[i])}`;
}

if (!fs.existsSync(GNU_TIME)) {
  console.error(`bench/vsphere-inventory needs GNU time at ${GNU_TIME} (apt-get install time)`);
  process.exit(2);
}
const pyCheck = spawn(PYTHON, ['-c', 'import pyVmomi'], { stdio: 'ignore' });
const hasPyVmomi = (await new Promise<number | null>((r) => { pyCheck.on('close', r); pyCheck.on('error', () => r(1)); })) === 0;

const [govmomiBin, oursBundle, baseBundle] = await Promise.all([
  buildGoBinary(path.join(ROOT, 'bench/peers/govmomi-list/main.go'), 'govmomi-list'),
  bundleOurs(),
  BASE_ROOT ? bundleOurs(BASE_ROOT, BASE_OUT) : undefined,
]);

const username = 'bench';
const password = randomBytes(12).toString('base64url');
const TICK_MS = positive('BENCH_VCSIM_TICK_MS', 20);
const vcsim: Vcsim = await startVcsim({ vms: VMS_PER_POOL, clusters: CLUSTERS, hosts: HOSTS_PER_CLUSTER, standalone: STANDALONE, username, password, collectorTickMs: TICK_MS });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-vsinv-'));
try {
  const env = {
    ...process.env,
    VSPHERE_URL: vcsim.url,
    VSPHERE_USER: username,
    VSPHERE_PASSWORD: password,
    VSPHERE_FINGERPRINT_SHA256: vcsim.fingerprintSha256,
    VSPHERE_MAX_OBJECTS: String(MAX_OBJECTS),
  };
  // Each one-shot's build step that needs vcsim (ours: its code cache, from one run).
  const vsphereEnv = { VSPHERE_URL: vcsim.url, VSPHERE_USER: username, VSPHERE_PASSWORD: password, VSPHERE_FINGERPRINT_SHA256: vcsim.fingerprintSha256, VSPHERE_MAX_OBJECTS: String(MAX_OBJECTS) };
  await oursBundle?.finish(vsphereEnv);
  await baseBundle?.finish(vsphereEnv);
  const results: WayResult[] = [
    { way: { label: 'ours (node, one-shot)', cmd: process.execPath, args: oursBundle ? [...oursBundle.flags, oursBundle.entry] : [] }, samples: [] },
    { way: { label: 'govmomi 0.24.2 (Go)', cmd: govmomiBin, args: [] }, samples: [] },
    { way: { label: 'pyVmomi 6.7.1 (Python)', cmd: PYTHON, args: [path.join(ROOT, 'bench/peers/pyvmomi_list.py')] }, samples: [] },
  ];
  const [ours, govmomi, pyvmomi] = results as [WayResult, WayResult, WayResult];
  if (BASE_ROOT) {
    results.push({ way: { label: 'ours, BENCH_BASE', cmd: process.execPath, args: baseBundle ? [...baseBundle.flags, baseBundle.entry] : [] }, samples: [] });
    if (!baseBundle) results[3]!.skipped = `skipped (no ${ONE_SHOT_CONNECTOR} under ${BASE_ROOT})`;
  }
  if (!oursBundle) ours.skipped = 'skipped (connector not built yet: src/connectors/vsphere/list-all-vms.ts)';
  if (!hasPyVmomi) pyvmomi.skipped = `skipped (${PYTHON} has no pyVmomi: apt-get install python3-pyvmomi)`;

  let reference: { label: string; key: string; names: string[] } | undefined;
  const disagreements: string[] = [];
  // Round 0 is a warm-up (page cache, vcsim's first marshalling); its figures are dropped.
  for (let round = 0; round <= RUNS; round++) {
    for (let k = 0; k < results.length; k++) {
      const r = results[(k + round) % results.length]!;
      if (r.skipped) continue;
      let sample: Sample & { stdout: string };
      const before = round === 0 ? await vcsim.counts() : undefined;
      try {
        sample = await measure(r.way, env, path.join(tmp, 'time.txt'));
      } catch (error) {
        r.skipped = `failed (${(error as Error).message})`;
        continue;
      }
      if (before) r.calls = callsSince(before, await vcsim.counts());
      let got: { key: string; names: string[] };
      try {
        got = canonical(sample.stdout);
      } catch (error) {
        r.skipped = `failed (unreadable output: ${(error as Error).message})`;
        continue;
      }
      reference ??= { label: r.way.label, ...got };
      if (got.key !== reference.key) {
        disagreements.push(`${r.way.label} vs ${reference.label}: ${firstDifference(got.key, reference.key)}`);
      }
      if (round > 0) r.samples.push({ wallMs: sample.wallMs, cpuMs: sample.cpuMs, rssKB: sample.rssKB });
    }
  }

  const count = reference?.names.length ?? 0;
  const hosts = CLUSTERS * HOSTS_PER_CLUSTER + STANDALONE;
  console.log(`vsphere-inventory: ${count.toLocaleString('en-US')} VMs (vcsim -vms ${VMS_PER_POOL} × (${CLUSTERS} clusters + ${STANDALONE} standalone host), ${hosts} hosts) over HTTPS with a SHA-256 pin`);
  console.log(`  ${RUNS} runs each, interleaved, after 1 warm-up round; peers page with maxObjects ${MAX_OBJECTS} (${os.availableParallelism()} cores, node ${process.version}); vcsim's WaitForUpdatesEx tick ${TICK_MS} ms${TICK_MS === 250 ? " (Debian's build as packaged)" : " (Debian's 0.24.2 source with that one line changed; upstream's since 0.25 is 20 ms, Debian's 250; BENCH_VCSIM_TICK_MS=250 for Debian's)"}`);
  console.log(`  ${'way'.padEnd(26)}${'wall p50'.padStart(12)}${'CPU p50'.padStart(12)}${'peak RSS p50'.padStart(15)}`);
  for (const r of results) {
    if (r.skipped || r.samples.length === 0) {
      console.log(`  ${r.way.label.padEnd(26)}${r.skipped ?? 'no samples'}`);
      continue;
    }
    const wall = median(r.samples.map((s) => s.wallMs));
    const cpu = median(r.samples.map((s) => s.cpuMs));
    const rss = median(r.samples.map((s) => s.rssKB)) / 1024;
    console.log(`  ${r.way.label.padEnd(26)}${`${wall.toFixed(0)} ms`.padStart(12)}${`${cpu.toFixed(0)} ms`.padStart(12)}${`${rss.toFixed(1)} MiB`.padStart(15)}`);
  }
  const compared = results.filter((r) => !r.skipped && r.samples.length > 0).length;
  for (const r of results) if (r.calls) console.log(`  SOAP calls, ${r.way.label}: ${r.calls}`);
  console.log(`  results agree: ${disagreements.length === 0 && compared > 1 ? 'yes' : 'no'} (${count} VMs, ${compared} ways compared)`);
  for (const d of disagreements.slice(0, 5)) console.log(`    ${d}`);

  const ratio = (a: WayResult, b: WayResult, pick: (s: Sample) => number): string => {
    if (a.skipped || b.skipped || !a.samples.length || !b.samples.length) return 'n/a';
    return `${(median(a.samples.map(pick)) / median(b.samples.map(pick))).toFixed(2)}×`;
  };
  for (const [peer, goal] of [[govmomi, 1.0], [pyvmomi, 0.5]] as const) {
    const name = peer === govmomi ? 'govmomi' : 'pyVmomi';
    console.log(`  ours / ${name.padEnd(8)} wall ${ratio(ours, peer, (s) => s.wallMs)} (goal ≤ ${goal.toFixed(1)})  CPU ${ratio(ours, peer, (s) => s.cpuMs)}  RSS ${ratio(ours, peer, (s) => s.rssKB)}`);
  }
  console.log(`  govmomi / pyVmomi wall ${ratio(govmomi, pyvmomi, (s) => s.wallMs)}`);
  const base = results[3];
  if (base) console.log(`  ours / BENCH_BASE wall ${ratio(ours, base, (s) => s.wallMs)}  CPU ${ratio(ours, base, (s) => s.cpuMs)}  RSS ${ratio(ours, base, (s) => s.rssKB)}; BENCH_BASE / govmomi wall ${ratio(base, govmomi, (s) => s.wallMs)}  CPU ${ratio(base, govmomi, (s) => s.cpuMs)}`);

  const walked = await gatewayWalk({ vcsim, username, password, runs: RUNS, expectedNames: reference?.names });
  console.log(`  ${walked.text}`);
  // The product walk against govmomi's one-shot, same run (goal ≤ 0.8): cold and kept apart.
  if ('coldMs' in walked && !govmomi.skipped && govmomi.samples.length) {
    const g = median(govmomi.samples.map((s) => s.wallMs));
    const r = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / g).toFixed(2)}×`);
    console.log(`  walk / govmomi one-shot (${g.toFixed(0)} ms; goal ≤ 0.8): first walk, cold ${r(walked.coldMs)}; later walks, kept ${r(walked.keptMs)}; fallback (full read) ${r(walked.fallbackMs)}; rebuilt in a warm child ${r(walked.rebuiltMs)}`);
  }
} finally {
  await vcsim.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(OURS_OUT, { recursive: true, force: true });
  fs.rmSync(BASE_OUT, { recursive: true, force: true });
}
