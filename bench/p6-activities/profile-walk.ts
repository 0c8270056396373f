// Profile the P6 child's share of bench:p6 without the sandbox (issue 17 item 4): the P6 MCP
// server (createServer) over InMemoryTransport walks the big project's 50,000 activities in
// pages of 5,000, with the P6 fake in this process. Run with
//   node --import tsx bench/p6-activities/profile-walk.ts [out.cpuprofile]
// (and BENCH_HEAP_SNAPSHOT=1 for a heap snapshot after the first page). The CPU profile
// covers the walks only (not start-up); the fake's functions show under test/fixtures/p6.
// Prints per-round heap and peak RSS, and the top self times by function.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import v8 from 'node:v8';
import { BIG_PROJECT_OBJECT_ID } from '../../test/fixtures/p6/generate-dataset.js';
import { startP6Fake } from '../../test/fixtures/p6/start-p6-fake.js';
import { connectP6Server } from '../../test/mcp/p6/connect-p6-server.js';

const FIELDS = ['ObjectId', 'Id', 'Name', 'Status', 'StartDate', 'FinishDate', 'RemainingDuration', 'TotalFloat'];
const PAGE = Number(process.env['BENCH_PAGE'] ?? 5000);
const PASSWORD = 'bench-Pl4nner';
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
const fake = await startP6Fake({ users: [{ username: 'planner', password: PASSWORD }], tls: true, dataset: {} });
const mcp = await connectP6Server(fake, PASSWORD, { batchSize: 5000 });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
try {
  console.log(`start: heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB, peak RSS ${hwm().toFixed(1)} MiB`);
  for (let round = 0; round < Number(process.env['BENCH_ROUNDS'] ?? 2); round++) {
    const t0 = performance.now();
    let cursor: string | undefined;
    let rows = 0;
    let pages = 0;
    do {
      const page = await mcp.ok<{ rows: unknown[]; nextCursor?: string }>('p6_list_activities', { projectObjectId: BIG_PROJECT_OBJECT_ID, fields: FIELDS, limit: PAGE, ...(cursor && { cursor }) });
      rows += page.rows.length;
      cursor = page.nextCursor;
      if (++pages === 1 && round === 0 && process.env['BENCH_HEAP_SNAPSHOT']) console.log(`snapshot: ${v8.writeHeapSnapshot()}`);
    } while (cursor);
    console.log(`round ${round}: ${rows} rows in ${pages} pages, ${(performance.now() - t0).toFixed(0)} ms; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB, peak RSS ${hwm().toFixed(1)} MiB`);
  }
  const { profile } = await session.post('Profiler.stop');
  if (process.argv[2]) fs.writeFileSync(process.argv[2], JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples!.forEach((id, i) => {
    const cf = byId.get(id)!.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-2).join('/')}`;
    const dt = profile.timeDeltas![i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    if (cf.functionName !== '(idle)') total += dt;
  });
  console.log(`busy ${(total / 1000).toFixed(0)} ms; top self time:`);
  for (const [k, us] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
} finally {
  session.disconnect();
  await mcp.close();
  await fake.stop();
}
