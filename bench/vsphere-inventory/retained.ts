// bench/vsphere-inventory, measuring aid for issue 17 (the kept inventory): does the vSphere
// server keep anything of the inventories it drops? bench:vsphere's gateway walk showed the
// child's peak RSS rising with BENCH_RUNS (~109 MiB at 3 rounds, ~135 MiB at 9). This
// repeats that walk's rounds in one process, through the real server (createServer over
// InMemoryTransport, sessions from vcsim-tokens): vcsim ends the session (an independent
// client), then a fallback walk (renew + full read), a rebuild walk (a new kept inventory)
// and a kept walk, each every page of vsphere_list_vms at limit 500.
//   GC=1 (default): after each round, two full collections, then the V8 heap in use: a leak
//     climbs by about one inventory a round; a flat line is no leak.
//   GC=0: no forced collection: the peak RSS as the child sees it (V8 frees the dropped
//     inventories, promoted to the old generation, only at its next mark-compact).
// Run with the child's V8 flags (src/platform/kinds/server-flags.ts):
//   node --expose-gc --max-semi-space-size=2 --liftoff-only --heap-growing-percent=20 --import tsx bench/vsphere-inventory/retained.ts
// ROUNDS (default 9), VMS per cluster (default 1,250: 5,000 VMs). Prints; asserts nothing.
import v8 from 'node:v8';
import { connectVsphereServer } from '../../test/mcp/vsphere/connect-vsphere-server.js';
import { vcsimTokens } from '../../test/mcp/vsphere/vcsim-tokens.js';
import { startVcsim } from '../../test/support/vcsim.js';
import { vcsimChange } from '../../test/support/vcsim-change.js';

const ROUNDS = Number(process.env['ROUNDS'] ?? 9);
const FORCE_GC = process.env['GC'] !== '0';
const gc = globalThis.gc;
if (FORCE_GC && !gc) throw new Error('run with node --expose-gc (or GC=0 for the peak RSS alone)');

const vcsim = await startVcsim({ vms: Number(process.env['VMS'] ?? 1250), clusters: 3, hosts: 3, standalone: 1 });
const tokens = vcsimTokens(vcsim);
const server = await connectVsphereServer({ tokens, defaultEndpoint: 'vc', log: () => {} });
const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

/** Every page of vsphere_list_vms; the number of rows. */
async function walk(): Promise<number> {
  let cursor: string | undefined;
  let rows = 0;
  do {
    const page = await server.ok<{ vms: unknown[]; nextCursor?: string }>('vsphere_list_vms', { limit: 500, ...(cursor ? { cursor } : {}) });
    rows += page.vms.length;
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

function memory(): string {
  if (FORCE_GC) {
    gc!();
    gc!();
  }
  const m = process.memoryUsage();
  const code = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'code_space')?.space_used_size ?? 0;
  return `heap used ${mib(m.heapUsed)} MiB (of it JIT code ${mib(code)}), heap total ${mib(m.heapTotal)}, RSS ${mib(m.rss)}, peak RSS ${mib(process.resourceUsage().maxRSS * 1024)}`;
}

try {
  const rows = await walk();
  await walk();
  console.log(`${rows} VMs; ${FORCE_GC ? 'after a full GC each round' : 'no forced GC'}; before the rounds: ${memory()}`);
  for (let i = 1; i <= ROUNDS; i++) {
    await vcsimChange(vcsim, 'terminate');
    await walk(); // the fallback: renew, full read
    await walk(); // the rebuild: a new kept inventory
    await walk(); // kept
    console.log(`round ${i}: ${memory()}`);
  }
} finally {
  await server.close();
  await tokens.close();
  await vcsim.stop();
}
