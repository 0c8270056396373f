// bench/vsphere-inventory, profiling aid (issue 17): bundles the one-shot as index.ts does,
// starts one 5,000-VM vcsim and runs the bundle PROFILE_RUNS times with `--cpu-prof`
// (200 µs interval; PROFILE=0: without), interleaved with a second checkout's bundle when
// BENCH_BASE is set. Prints each run's wall, CPU (user+sys, GNU time) and RSS, and leaves the .cpuprofile files in PROFILE_DIR
// (default a temp folder) for bench/support/summarize-cpuprofile.ts. Not part of the bench.
//
// Run: node --import tsx bench/vsphere-inventory/profile-one-shot.ts
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleCheckout } from './bundle-one-shot.js';
import { startVcsim } from '../../test/support/vcsim.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUNS = Number(process.env['PROFILE_RUNS'] ?? 4);
const OUT = process.env['PROFILE_DIR'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kb-prof-vsphere-'));
const BASE = process.env['BENCH_BASE'];


/** One run under GNU time (user+sys CPU and peak RSS of the child), profiled unless PROFILE=0. */
function run(script: string, env: NodeJS.ProcessEnv, profDir: string, flags: readonly string[] = []): Promise<{ wallMs: number; cpuMs: number; rssMiB: number }> {
  fs.mkdirSync(profDir, { recursive: true });
  const stats = path.join(profDir, 'time.txt');
  const prof = process.env['PROFILE'] === '0' ? [] : ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', profDir];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', stats, process.execPath, ...flags, ...prof, script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`exit ${code}`));
      const [user, sys, rss] = fs.readFileSync(stats, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      resolve({ wallMs, cpuMs: (user! + sys!) * 1000, rssMiB: rss! / 1024 });
    });
  });
}

const ours = await bundleCheckout(ROOT, path.join(OUT, 'bundle-ours'));
const ways: { label: string; script: string; flags?: readonly string[]; finish?: (env: Record<string, string>) => Promise<void> }[] = [{ label: 'ours', script: ours.entry, flags: ours.flags, finish: ours.finish }];
// BENCH_BASE may list several checkouts, comma-separated: base, base2, ... (bundleCheckout
// has each bundled by its own bundle-one-shot.ts, with its own child flags and code cache).
for (const [k, dir] of (BASE ? BASE.split(',') : []).entries()) {
  const label = k === 0 ? 'base' : `base${k + 1}`;
  const b = await bundleCheckout(path.resolve(dir), path.join(OUT, `bundle-${label}`));
  ways.push({ label, script: b.entry, flags: b.flags, finish: b.finish });
}
// PROFILE_FLAGS='--maglev;--max-semi-space-size=16': each set of node flags is one more way,
// our bundle run with those flags instead of the vSphere child's, interleaved with the others
// (V8 refuses the code cache made under the child's flags, so such a way also compiles cold).
for (const set of (process.env['PROFILE_FLAGS'] ?? '').split(';').filter((x) => x.trim())) {
  ways.push({ label: `ours ${set.trim()}`, script: ways[0]!.script, flags: set.trim().split(/\s+/) });
}
const password = randomBytes(12).toString('base64url');
const vcsim = await startVcsim({ vms: 1250, clusters: 3, hosts: 3, standalone: 1, username: 'bench', password });
try {
  const env = { ...process.env, VSPHERE_URL: vcsim.url, VSPHERE_USER: 'bench', VSPHERE_PASSWORD: password, VSPHERE_FINGERPRINT_SHA256: vcsim.fingerprintSha256, VSPHERE_MAX_OBJECTS: '1000' };
  const vsphereEnv = { VSPHERE_URL: vcsim.url, VSPHERE_USER: 'bench', VSPHERE_PASSWORD: password, VSPHERE_FINGERPRINT_SHA256: vcsim.fingerprintSha256, VSPHERE_MAX_OBJECTS: '1000' };
  // Each checkout's one-shot build step that needs vcsim (ours: its code cache, from one run).
  for (const w of ways) await w.finish?.(vsphereEnv);
  const cpu: Record<string, number[]> = {};
  const rss: Record<string, number[]> = {};
  for (const w of ways) await run(w.script, env, path.join(OUT, 'warm'), w.flags); // warm-up
  for (let i = 0; i < RUNS; i++) {
    for (const w of [...ways.slice(i % ways.length), ...ways.slice(0, i % ways.length)]) {
      const r = await run(w.script, env, path.join(OUT, w.label.replace(/[^\w.-]+/g, '_')), w.flags);
      (cpu[w.label] ??= []).push(r.cpuMs);
      (rss[w.label] ??= []).push(r.rssMiB);
      if (process.env['PROFILE_QUIET'] !== '1') console.log(`${w.label} run ${i + 1}: wall ${r.wallMs.toFixed(0)} ms, CPU ${r.cpuMs.toFixed(0)} ms, RSS ${r.rssMiB.toFixed(1)} MiB`);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`CPU medians over ${RUNS} runs: ${Object.entries(cpu).map(([k, v]) => `${k} ${med(v).toFixed(0)} ms (min ${Math.min(...v).toFixed(0)})`).join(', ')}`);
  console.log(`peak RSS medians: ${Object.entries(rss).map(([k, v]) => `${k} ${med(v).toFixed(1)} MiB`).join(', ')}`);
  console.log(`profiles in ${OUT}/{${ways.map((w) => w.label).join(',')}}`);
} finally {
  await vcsim.stop();
}
