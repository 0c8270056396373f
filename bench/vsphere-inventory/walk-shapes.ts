// bench/vsphere-inventory, measuring aid for issue 17 item 2 (the product walk's first page):
// against one 5,000-VM vcsim, with one warm VsphereClient, times the reads a 10-page walk of
// vsphere_list_vms could be made of, interleaved over SHAPE_RUNS rounds:
//   full:  every VM's row properties in 500-object pages (what the first page does today);
//   names: every VM's name only (what a names-first first page would read first);
//   page:  the row properties of 500 known VMs by MoRef (RetrievePropertiesEx with explicit
//          ObjectSpecs: what each page would then read);
//   index: InventoryIndex.load (folders, datacenters, clusters, hosts; read beside either);
//   first: what vsphere_list_vms does for an unfiltered first page in the child (index and
//          VMs together, rows, sort, the first 500), without the gateway;
//   kept:  the same first page from the kept inventory (issue 17): one WaitForUpdatesEx
//          (maxWaitSeconds 0) brings it up to date, then rows, sort, the first 500;
//   build: the same first page building a new kept inventory (collector, view, filters, the
//          first WaitForUpdatesEx with every VM), as a cold walk does; destroyed after.
// BENCH_VCSIM_TICK_MS: vcsim's WaitForUpdatesEx tick (test/support/vcsim.ts collectorTickMs).
// Under `node --cpu-prof` it profiles the child's side of the walk.
// Prints medians; asserts nothing. Run: node --import tsx bench/vsphere-inventory/walk-shapes.ts
import { randomBytes } from 'node:crypto';
import { startVcsim } from '../../test/support/vcsim.js';
import { createUpstreamDispatcher, VsphereClient, vsphereLogin, vsphereLogout, type ObjectContent } from '../../src/connectors/vsphere/index.js';
import { InventoryIndex } from '../../src/mcp/vsphere/inventory/inventory-index.js';
import { collectVmRows, VM_ROW_PATHS } from '../../src/mcp/vsphere/inventory/vm-rows.js';
import { listWindow } from '../../src/mcp/vsphere/inventory/list-window.js';
import { currentVmRows } from '../../src/mcp/vsphere/inventory/current-vm-rows.js';
import { KeptInventory } from '../../src/mcp/vsphere/inventory/kept-inventory.js';

const RUNS = Number(process.env['SHAPE_RUNS'] ?? 5);
const password = randomBytes(12).toString('base64url');
const tick = process.env['BENCH_VCSIM_TICK_MS'] ? Number(process.env['BENCH_VCSIM_TICK_MS']) : undefined;
const vcsim = await startVcsim({ vms: 1250, clusters: 3, hosts: 3, standalone: 1, username: 'bench', password, ...(tick ? { collectorTickMs: tick } : {}) });
const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
try {
  const session = await vsphereLogin({ url: vcsim.url, username: 'bench', password, dispatcher });
  const client = new VsphereClient({ url: vcsim.url, dispatcher, serviceContent: session.serviceContent, session: { token: async () => session.cookie, renew: async () => session.cookie } });
  const all = async (paths: string[]): Promise<ObjectContent[]> => {
    const out: ObjectContent[] = [];
    for await (const page of client.retrievePages({ type: 'VirtualMachine', paths })) out.push(...page);
    return out;
  };
  const refs = (await all(['name'])).sort((a, b) => String(a.props['name']).localeCompare(String(b.props['name']))).map((o) => o.ref);
  const times: Record<string, number[]> = { full: [], names: [], page: [], index: [], first: [], kept: [], build: [] };
  const kept = new KeptInventory(client, { session: async () => 'one session' });
  await kept.current();
  // SHAPES=first,index (say) times only those, e.g. to profile the list tool's first page alone.
  const only = process.env['SHAPES']?.split(',');
  const time = async (key: string, run: () => Promise<unknown>) => {
    if (only && !only.includes(key)) return;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await run();
    times[key]!.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    (cpu[key] ??= []).push((c.user + c.system) / 1000);
  };
  // This process's CPU (user+sys, all its threads) per shape: steadier than wall on a busy machine.
  const cpu: Record<string, number[]> = {};
  for (let i = 0; i < RUNS; i++) {
    await time('full', () => all(VM_ROW_PATHS));
    await time('names', () => all(['name']));
    await time('page', () => client.retrieveObjects(refs.slice((i % 10) * 500, (i % 10) * 500 + 500), VM_ROW_PATHS));
    await time('index', () => InventoryIndex.load(client));
    await time('first', async () => listWindow(await collectVmRows(client, InventoryIndex.load(client), () => true), { kind: 'vms', endpoint: undefined, filters: {} }, 500, undefined));
    await time('kept', async () => listWindow(await currentVmRows(kept, () => true, (e) => { throw e; }), { kind: 'vms', endpoint: undefined, filters: {} }, 500, undefined));
    const fresh = new KeptInventory(client, { session: async () => 'one session' });
    await time('build', async () => listWindow(await currentVmRows(fresh, () => true, (e) => { throw e; }), { kind: 'vms', endpoint: undefined, filters: {} }, 500, undefined));
    await fresh.dispose();
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = Object.fromEntries(Object.entries(times).filter(([, v]) => v.length > 0).map(([k, v]) => [k, med(v)])) as Record<string, number>;
  console.log(`walk shapes, ${refs.length} VMs, ${RUNS} rounds, medians: ${Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(0)} ms (CPU ${med(cpu[k]!).toFixed(0)} ms)`).join(', ')}`);
  // The names-first estimate needs those four shapes (SHAPES may leave them out).
  if (['full', 'names', 'page', 'index'].every((k) => m[k] !== undefined)) {
    console.log(`  today's first page ≈ max(full, index) = ${Math.max(m['full']!, m['index']!).toFixed(0)} ms; names-first first page ≈ max(names, index) + page = ${(Math.max(m['names']!, m['index']!) + m['page']!).toFixed(0)} ms`);
    console.log(`  reads of a 10-page walk: today ${Math.max(m['full']!, m['index']!).toFixed(0)} ms; names-first, per page by MoRef ${(Math.max(m['names']!, m['index']!) + 10 * m['page']!).toFixed(0)} ms`);
  }
  await kept.dispose();
  await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher, serviceContent: session.serviceContent });
} finally {
  await dispatcher.close();
  await vcsim.stop();
}
