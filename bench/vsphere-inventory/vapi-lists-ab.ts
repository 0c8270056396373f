// bench/vsphere-inventory, before/after aid for the paged vAPI lists (W4-paging): one vcsim
// with BENCH_TAGS tags in 10 categories (each VM carrying 5, one tag on every VM) and
// BENCH_ITEMS content library items in 2 libraries; then BENCH_RUNS rounds, rotating which
// checkout goes first, of each checkout's vSphere server (in this process, its own src/ through
// tsx, an SDK client over InMemoryTransport) answering vsphere_list_tags and
// vsphere_list_library_items with no arguments (BENCH_BASE's answer is the whole list; this
// checkout's is a first page of 50), then, for this checkout, the walk in pages of 500.
// Prints wall, this process's CPU (user+sys: the server's work; vcsim is another process) and
// the bytes of the text block per call; asserts nothing.
// Run: BENCH_BASE=/tmp/base-copy BENCH_RUNS=2 node --import tsx bench/vsphere-inventory/vapi-lists-ab.ts
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startVcsim } from '../../test/support/vcsim.js';
import { vcsimTokens } from '../../test/mcp/vsphere/vcsim-tokens.js';
import { vapiRest } from '../../test/mcp/vsphere/admin-session.js';
import type { createServer as CreateServer } from '../../src/mcp/vsphere/server.js';

type ServerModule = { createServer: typeof CreateServer };

const BASE = process.env['BENCH_BASE'];
if (!BASE) throw new Error('BENCH_BASE is not set');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 2);
const TAGS = Number(process.env['BENCH_TAGS'] ?? 2000);
const ITEMS = Number(process.env['BENCH_ITEMS'] ?? 1000);
const ways = [{ label: 'after', root: path.resolve(import.meta.dirname, '../..') }, { label: 'before', root: path.resolve(BASE) }];

async function chunks<T>(all: T[], n: number, work: (t: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < all.length; i += n) await Promise.all(all.slice(i, i + n).map(work));
}

const vcsim = await startVcsim({ vms: 100, clusters: 1, hosts: 1, standalone: 1 });
const tokens = vcsimTokens(vcsim);
try {
  const admin = await vapiRest(vcsim);
  const t0 = Date.now();
  try {
    const rest = (p: string, body: unknown) => admin.rest('POST', p, body);
    const tagIds: string[] = [];
    for (let c = 0; c < 10; c++) {
      const cid = String(await rest('/com/vmware/cis/tagging/category', { create_spec: { name: `category-${c}`, description: '', cardinality: 'MULTIPLE', associable_types: [] } }));
      await chunks(Array.from({ length: TAGS / 10 }, (_, i) => i), 8, async (i) => tagIds.push(String(await rest('/com/vmware/cis/tagging/tag', { create_spec: { name: `tag-${c}-${i}`, description: `tag ${i} of category ${c}`, category_id: cid } }))));
    }
    const { createServer } = (await import(pathToFileURL(path.join(ways[0]!.root, 'src/mcp/vsphere/server.ts')).href)) as ServerModule;
    const probe = await connect(createServer);
    const vms = ((await probe.call('vsphere_list_vms', { limit: 500 })).structuredContent as { vms: { moref: string }[] }).vms;
    const pairs = vms.flatMap((vm, v) => [...Array.from({ length: 5 }, (_, k) => tagIds[(v * 5 + k) % tagIds.length]!), tagIds[0]!].map((tag) => ({ vm: vm.moref, tag })));
    await chunks(pairs, 8, (p) => rest(`/com/vmware/cis/tagging/tag-association/id:${encodeURIComponent(p.tag)}?~action=attach`, { object_id: { id: p.vm, type: 'VirtualMachine' } }));
    const ds = ((await probe.call('vsphere_list_datastores', {})).structuredContent as { datastores: { moref: string }[] }).datastores[0]!.moref;
    for (const l of ['library-a', 'library-b']) {
      const lib = await rest('/com/vmware/content/local-library', { create_spec: { name: l, type: 'LOCAL', storage_backings: [{ datastore_id: ds, type: 'DATASTORE' }] } });
      await chunks(Array.from({ length: ITEMS / 2 }, (_, i) => i), 8, (i) => rest('/com/vmware/content/library/item', { create_spec: { library_id: lib, name: `item-${i}`, type: i % 2 ? 'ovf' : 'iso', description: `item ${i} of ${l}` } }));
    }
    await probe.close();
    console.log(`planted ${TAGS} tags (${pairs.length} attachments on ${vms.length} VMs), ${ITEMS} items in ${Date.now() - t0} ms`);
  } finally {
    await admin.close();
  }

  for (let run = 0; run < RUNS; run++) {
    for (const w of run % 2 ? [...ways].reverse() : ways) {
      const { createServer } = (await import(pathToFileURL(path.join(w.root, 'src/mcp/vsphere/server.ts')).href)) as ServerModule;
      const s = await connect(createServer);
      try {
        for (const tool of ['vsphere_list_tags', 'vsphere_list_library_items']) {
          const one = await timed(() => s.call(tool, {}));
          console.log(`run ${run + 1} ${w.label.padEnd(6)} ${tool} {}: ${one.line}`);
          if (w.label !== 'after') continue;
          let cursor: string | undefined;
          let pages = 0;
          let bytes = 0;
          let firstPageMs = 0;
          const walk = await timed(async () => {
            do {
              const at = performance.now();
              const r = await s.call(tool, { limit: 500, ...(cursor ? { cursor } : {}) });
              if (pages === 0) firstPageMs = performance.now() - at;
              bytes += (r.content[0] as { text: string }).text.length;
              cursor = (r.structuredContent as { nextCursor?: string }).nextCursor;
              pages++;
            } while (cursor);
            return { content: [{ type: 'text', text: '' }] } as CallToolResult;
          });
          console.log(`run ${run + 1} ${w.label.padEnd(6)} ${tool} walk of ${pages} pages of 500 (first page ${firstPageMs.toFixed(0)} ms): ${walk.line.replace(/0 bytes$/, `${bytes} bytes`)}`);
        }
      } finally {
        await s.close();
      }
    }
  }
} finally {
  await tokens.close();
  await vcsim.stop();
}

async function connect(createServer: typeof CreateServer) {
  const instance = createServer({ tokens, defaultEndpoint: 'vc', log: () => undefined });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([instance.server.connect(b), client.connect(a)]);
  return {
    call: (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    close: async () => { await client.close(); await instance.dispose(); },
  };
}

async function timed(work: () => Promise<CallToolResult>): Promise<{ line: string }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const r = await work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (r.isError) throw new Error(JSON.stringify(r.content));
  const text = (r.content[0] as { text: string }).text;
  return { line: `wall ${wall.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, ${text.split('\n')[0]!.slice(0, 60)} …, ${text.length} bytes` };
}
