// bench/vsphere-inventory, before/after aid for the product walk (issue 17): one 5,000-VM
// vcsim, then WALK_ROUNDS rounds that each run bench:vsphere's gateway walk (WALK_RUNS timed
// kept walks and as many session churns of vsphere_list_vms through bridge → gateway →
// child) for this checkout, for BENCH_BASE, and for each checkout in WALK_WAYS
// (comma-separated label=path), rotating which goes first. One walk procedure (this
// checkout's gateway-walk.ts), each checkout's own build (its bin/keybroker.js and dist/).
// Prints each line; asserts nothing.
// Run: BENCH_BASE=/tmp/main-copy WALK_RUNS=5 node --import tsx bench/vsphere-inventory/walk-ab.ts
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startVcsim } from '../../test/support/vcsim.js';
import { gatewayWalk } from './gateway-walk.js';

const BASE = process.env['BENCH_BASE'];
if (!BASE) throw new Error('BENCH_BASE is not set');
const ROUNDS = Number(process.env['WALK_ROUNDS'] ?? 3);
const RUNS = Number(process.env['WALK_RUNS'] ?? 3);
const ways = [
  { label: 'this checkout', root: path.resolve(import.meta.dirname, '../..') },
  { label: 'BENCH_BASE', root: path.resolve(BASE) },
  ...(process.env['WALK_WAYS'] ?? '').split(',').filter(Boolean).map((w) => {
    const [label, root] = w.split('=');
    if (!label || !root) throw new Error(`WALK_WAYS: label=path, got ${w}`);
    return { label, root: path.resolve(root) };
  }),
];
const username = 'bench';
const password = randomBytes(12).toString('base64url');
// BENCH_VCSIM_TICK_MS: vcsim's WaitForUpdatesEx tick (test/support/vcsim.ts collectorTickMs; bench:vsphere runs 20).
const tick = process.env['BENCH_VCSIM_TICK_MS'] ? Number(process.env['BENCH_VCSIM_TICK_MS']) : undefined;
const vcsim = await startVcsim({ vms: 1250, clusters: 3, hosts: 3, standalone: 1, username, password, ...(tick ? { collectorTickMs: tick } : {}) });
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = ways.map((_, k) => ways[(k + round) % ways.length]!);
    for (const w of order) {
      const walked = await gatewayWalk({ vcsim, username, password, runs: RUNS, root: w.root });
      console.log(`round ${round + 1}, ${w.label}: ${walked.text.replace(/\n\s*/g, ' | ')}`);
    }
  }
} finally {
  await vcsim.stop();
}
