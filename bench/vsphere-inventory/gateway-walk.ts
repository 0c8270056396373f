// bench/vsphere-inventory, the gateway part: `vsphere_list_vms` walking every page (limit
// 500, the tool's maximum, and its opaque cursor) through bridge → gateway → the vSphere
// server, with the broker's session already warm: the first walk answers the unlock approval
// and logs in; only the walks after it are timed. Real parts, as test/integration uses them:
// a private Secret Service, `keybroker endpoint add`, `keybroker serve`, `keybroker bridge`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { KEYBROKER_BIN, runKeybroker } from '../../test/support/keybroker-cli.js';
import { startSecretService } from '../../test/support/secret-service.js';
import { startServe } from '../../test/support/serve-process.js';
import type { Vcsim } from '../../test/support/vcsim.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { treeMemoryKb } from '../support/process-memory.js';
import { callsSince } from './soap-calls.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER = path.join(ROOT, 'dist/mcp/vsphere/index.js');
const LIMIT = 500;

export interface GatewayWalkOptions {
  readonly vcsim: Vcsim;
  readonly username: string;
  readonly password: string;
  readonly runs: number;
  /** The names the one-shot ways printed, sorted: the walk must give the same set. */
  readonly expectedNames?: readonly string[] | undefined;
}

/** One line for the report: the median walk, or why there is none. Never throws. */
export async function gatewayWalk(options: GatewayWalkOptions): Promise<string> {
  if (!fs.existsSync(SERVER)) return 'gateway walk: skipped (vSphere server not built)';
  try {
    return await walkThroughGateway(options);
  } catch (error) {
    return `gateway walk: failed (${(error as Error).message.split('\n')[0]})`;
  }
}

async function walkThroughGateway({ vcsim, username, password, runs, expectedNames }: GatewayWalkOptions): Promise<string> {
  const ss = await startSecretService();
  // The keychain reads the bus address once per process, so children need it in their env.
  ss.apply();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-vswalk-'));
  const env = { ...process.env, KEYBROKER_HOME: home } as Record<string, string>;
  let client: Client | undefined;
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    const add = await runKeybroker(
      ['endpoint', 'add', 'vsphere', 'bench', '--url', vcsim.url, '--user', username, '--fingerprint', vcsim.fingerprintSha256, '--password-stdin'],
      { env, stdin: `${password}\n` },
    );
    if (add.code !== 0) throw new Error(`keybroker endpoint add: ${add.stderr.trim()}`);
    serve = await startServe(env);
    client = new Client({ name: 'bench-vsphere-inventory', version: '1' }, { capabilities: {} });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [KEYBROKER_BIN, 'bridge', 'vsphere'], env, cwd: ROOT, stderr: 'ignore' }));
    await waitForTool(client, 'vsphere_list_vms');

    // Warm-up walk: the broker asks to unlock the credential; approve it as a user would.
    const warm = walk(client);
    const approving = approveUntil(env, warm);
    const first = await warm;
    await approving;

    const times: number[] = [];
    const firsts: number[] = [];
    const rests: number[] = [];
    let last = first;
    let calls = '';
    for (let i = 0; i < runs; i++) {
      const before = i === 0 ? await vcsim.counts() : undefined;
      const t0 = process.hrtime.bigint();
      last = await walk(client);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      firsts.push(last.firstMs);
      rests.push(last.restMs);
      if (before) calls = callsSince(before, await vcsim.counts());
    }
    const unique = new Set(last.names);
    const problems: string[] = [];
    if (unique.size !== last.names.length) problems.push(`${last.names.length - unique.size} duplicates`);
    if (last.total !== undefined && last.total !== last.names.length) problems.push(`total ${last.total} but ${last.names.length} rows`);
    if (expectedNames && (expectedNames.length !== unique.size || expectedNames.some((n) => !unique.has(n)))) problems.push('names differ from the one-shot ways');
    const sorted = [...times].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)]!;
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // The vSphere child's peak RSS after all the walks (its process tree: bwrap → node).
    const status = JSON.parse((await runKeybroker(['status', '--json'], { env })).stdout) as HostStatus;
    const childPid = status.children.find((c) => c.name === 'vsphere')?.pid;
    const childPeak = childPid === undefined ? 'n/a' : `${(treeMemoryKb(childPid).hwm / 1024).toFixed(1)} MiB`;
    return `gateway walk: vsphere_list_vms, ${last.names.length} VMs in ${last.pages} pages of ≤ ${LIMIT}, warm session: p50 ${p50.toFixed(0)} ms over ${runs} walks (first page ${mid(firsts).toFixed(0)} ms, the ${last.pages - 1} others ${mid(rests).toFixed(0)} ms); ${problems.length ? `PROBLEMS: ${problems.join(', ')}` : 'no duplicates, no gaps'}\n    vSphere child peak RSS after the walks: ${childPeak}\n    SOAP calls per warm walk: ${calls || 'none'}`;
  } finally {
    await client?.close().catch(() => {});
    await serve?.stop();
    await ss.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

interface Walk {
  readonly names: string[];
  readonly pages: number;
  readonly total: number | undefined;
  /** The first page (reads the whole inventory) and the later ones (served from the snapshot), ms. */
  readonly firstMs: number;
  readonly restMs: number;
}

/** Every page of vsphere_list_vms. The row array and cursor names are read defensively:
 * the first array of objects with a `name` is the page, `nextCursor` (or `cursor`) the next. */
async function walk(client: Client): Promise<Walk> {
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  let total: number | undefined;
  const t0 = performance.now();
  let firstMs = 0;
  do {
    const res = await client.callTool({ name: 'vsphere_list_vms', arguments: { limit: LIMIT, ...(cursor ? { cursor } : {}) } });
    if (res.isError) throw new Error(`vsphere_list_vms: ${JSON.stringify(res.content).slice(0, 300)}`);
    const sc = (res.structuredContent ?? {}) as Record<string, unknown>;
    const rows = Object.values(sc).find((v): v is { name: string }[] => Array.isArray(v) && (v.length === 0 || typeof (v[0] as { name?: unknown }).name === 'string'));
    if (!rows) throw new Error(`vsphere_list_vms returned no rows array: ${JSON.stringify(sc).slice(0, 300)}`);
    names.push(...rows.map((r) => r.name));
    if (typeof sc['total'] === 'number') total = sc['total'];
    const next = sc['nextCursor'] ?? sc['cursor'];
    cursor = typeof next === 'string' && next !== '' ? next : undefined;
    pages++;
    if (pages === 1) firstMs = performance.now() - t0;
    if (pages > 10_000) throw new Error('more than 10,000 pages: the cursor does not advance');
  } while (cursor);
  return { names, pages, total, firstMs, restMs: performance.now() - t0 - firstMs };
}

async function waitForTool(client: Client, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { tools } = await client.listTools();
      if (tools.some((t) => t.name === name)) return;
    } catch {
      // The gateway answers once its child is up.
    }
    if (Date.now() > deadline) throw new Error(`the gateway never listed ${name}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Approves each pending approval (the unlock) until `done` settles. */
async function approveUntil(env: Record<string, string>, done: Promise<unknown>): Promise<void> {
  let settled = false;
  void done.then(() => (settled = true), () => (settled = true));
  while (!settled) {
    const list = await runKeybroker(['approvals', '--json'], { env });
    const pending = list.code === 0 ? (JSON.parse(list.stdout) as { id: string }[]) : [];
    for (const a of pending) await runKeybroker(['approve', a.id], { env });
    await new Promise((r) => setTimeout(r, 100));
  }
}
