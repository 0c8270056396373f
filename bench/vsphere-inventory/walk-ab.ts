// bench/vsphere-inventory, before/after aid for the product walk (issue 17): one 5,000-VM
// vcsim, then WALK_ROUNDS rounds that each run bench:vsphere's gateway walk (3 timed walks
// of vsphere_list_vms through bridge → gateway → child) from this checkout and from
// BENCH_BASE (another checkout with its own dist/), alternating which goes first. Each
// checkout's walk uses its own dist and keybroker. Prints each line; asserts nothing.
// Run: BENCH_BASE=/tmp/main-copy node --import tsx bench/vsphere-inventory/walk-ab.ts
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startVcsim } from '../../test/support/vcsim.js';
import type { GatewayWalkOptions } from './gateway-walk.js';

const BASE = process.env['BENCH_BASE'];
if (!BASE) throw new Error('BENCH_BASE is not set');
const ROUNDS = Number(process.env['WALK_ROUNDS'] ?? 3);
type Walk = (options: GatewayWalkOptions) => Promise<string | { text: string }>;
const load = async (root: string): Promise<Walk> => ((await import(pathToFileURL(path.join(root, 'bench/vsphere-inventory/gateway-walk.ts')).href)) as { gatewayWalk: Walk }).gatewayWalk;
const ways = [
  { label: 'this checkout', walk: await load(path.resolve(import.meta.dirname, '../..')) },
  { label: 'BENCH_BASE', walk: await load(path.resolve(BASE)) },
];
const username = 'bench';
const password = randomBytes(12).toString('base64url');
// BENCH_VCSIM_TICK_MS: vcsim's WaitForUpdatesEx tick (test/support/vcsim.ts collectorTickMs).
const tick = process.env['BENCH_VCSIM_TICK_MS'] ? Number(process.env['BENCH_VCSIM_TICK_MS']) : undefined;
const vcsim = await startVcsim({ vms: 1250, clusters: 3, hosts: 3, standalone: 1, username, password, ...(tick ? { collectorTickMs: tick } : {}) });
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const w of round % 2 ? [...ways].reverse() : ways) {
      const walked = await w.walk({ vcsim, username, password, runs: 3 });
      const line = typeof walked === 'string' ? walked : walked.text;
      console.log(`round ${round + 1}, ${w.label}: ${line.replace(/\n\s*/g, ' | ')}`);
    }
  }
} finally {
  await vcsim.stop();
}
