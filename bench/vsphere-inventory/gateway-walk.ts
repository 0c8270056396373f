// bench/vsphere-inventory, the gateway part: `vsphere_list_vms` walking every page (limit
// 500, the tool's maximum, and its opaque cursor) through bridge → gateway → the vSphere
// server, with the broker's session already warm: a first call (vsphere_list_datacenters)
// answers the unlock approval and logs in. Then, timed apart (issue 17, the kept inventory):
// the first walk (cold: it builds the child's kept inventory), the walks after it (kept), and
// after vCenter ended the session, the fallback walk (a full read) and the rebuild. Real parts, as test/integration uses them:
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
import { vcsimChange } from '../../test/support/vcsim-change.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { treeMemoryKb } from '../support/process-memory.js';
import { treeCpuMs } from '../p6-activities/process-cpu.js';
import { callsSince } from './soap-calls.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LIMIT = 500;

export interface GatewayWalkOptions {
  readonly vcsim: Vcsim;
  readonly username: string;
  readonly password: string;
  readonly runs: number;
  /** The names the one-shot ways printed, sorted: the walk must give the same set. */
  readonly expectedNames?: readonly string[] | undefined;
  /** The checkout whose build runs (its bin/keybroker.js and dist/); default this one. For same-run A/B (walk-ab.ts). */
  readonly root?: string | undefined;
}

/** The walks' medians (ms) and the report's lines. */
export interface GatewayWalkResult {
  /** The first walk, which builds the kept inventory in a fresh child. */
  readonly coldMs: number;
  /** The later walks, from the kept inventory. */
  readonly keptMs: number;
  /** The walk right after vCenter ended the session: renewal and a full read (the fallback). */
  readonly fallbackMs: number | undefined;
  /** The walk after that: a new kept inventory, built in a warm child. */
  readonly rebuiltMs: number | undefined;
  readonly text: string;
}

/** The report's lines (the walks' medians, or why there are none). Never throws. */
export async function gatewayWalk(options: GatewayWalkOptions): Promise<GatewayWalkResult | { text: string }> {
  // A checkout built before D111 has the ES module entry index.js.
  const built = ['index.cjs', 'index.js'].some((entry) => fs.existsSync(path.join(options.root ?? ROOT, 'dist/mcp/vsphere', entry)));
  if (!built) return { text: 'gateway walk: skipped (vSphere server not built)' };
  try {
    return await walkThroughGateway(options);
  } catch (error) {
    return { text: `gateway walk: failed (${(error as Error).message.split('\n')[0]})` };
  }
}

async function walkThroughGateway({ vcsim, username, password, runs, expectedNames, root }: GatewayWalkOptions): Promise<GatewayWalkResult> {
  const bin = root ? [path.join(path.resolve(root), 'bin/keybroker.js')] : [KEYBROKER_BIN];
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
      { env, stdin: `${password}\n`, command: bin },
    );
    if (add.code !== 0) throw new Error(`keybroker endpoint add: ${add.stderr.trim()}`);
    serve = await startServe(env, bin);
    client = new Client({ name: 'bench-vsphere-inventory', version: '1' }, { capabilities: {} });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [...bin, 'bridge', 'vsphere'], env, cwd: ROOT, stderr: 'ignore' }));
    await waitForTool(client, 'vsphere_list_vms');

    // Warm-up: the broker asks to unlock the credential; approve it as a user would. A call
    // that logs in without reading the VMs, so the first walk below starts with no kept
    // inventory (issue 17: the child keeps one, updated through the PropertyCollector).
    const warm = client.callTool({ name: 'vsphere_list_datacenters', arguments: {} });
    const approving = approveUntil(env, bin, warm);
    await warm;
    await approving;
    // The vSphere child (its process tree: bwrap → node), for its CPU per phase and its peak RSS.
    const status = JSON.parse((await runKeybroker(['status', '--json'], { env, command: bin })).stdout) as HostStatus;
    const childPid = status.children.find((c) => c.name === 'vsphere')?.pid;
    const cpu = () => (childPid === undefined ? 0 : treeCpuMs(childPid));

    const calls = async <T>(run: () => Promise<T>): Promise<{ value: T; calls: string }> => {
      const before = await vcsim.counts();
      const value = await run();
      return { value, calls: callsSince(before, await vcsim.counts()) };
    };
    const timed = async (): Promise<Walk & { ms: number }> => {
      const t0 = process.hrtime.bigint();
      const w = await walk(client!);
      return { ...w, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    };
    // 1. The first walk of this child: no kept inventory (cold); the child is fresh (its JIT too).
    const cpu0 = cpu();
    const cold = await calls(timed);
    const cpu1 = cpu();
    // 2. The walks after it: the kept inventory brought up to date (one WaitForUpdatesEx).
    const kept: (Walk & { ms: number })[] = [];
    let keptCalls = '';
    for (let i = 0; i < runs; i++) {
      const k = await calls(timed);
      kept.push(k.value);
      if (i === 0) keptCalls = k.calls;
    }
    // 3. vCenter ends the session between walks (an independent client terminates it): the next
    // walk's collector call fails, the child renews the session and reads everything afresh
    // (the fallback, which is also the full read every first page made before the kept
    // inventory); the walk after that builds a new kept inventory in a warm child (cold, warm JIT).
    const cpu2 = cpu();
    const fallback: (Walk & { ms: number })[] = [];
    const rebuilt: (Walk & { ms: number })[] = [];
    let fallbackCalls = '';
    for (let i = 0; i < runs; i++) {
      await vcsimChange(vcsim, 'terminate');
      const f = await calls(timed);
      fallback.push(f.value);
      if (i === 0) fallbackCalls = f.calls;
      rebuilt.push(await timed());
    }
    const cpu3 = cpu();
    const last = kept.at(-1) ?? cold.value;
    const unique = new Set(last.names);
    const problems: string[] = [];
    for (const w of [cold.value, ...kept, ...fallback, ...rebuilt]) {
      const u = new Set(w.names);
      if (u.size !== w.names.length) problems.push(`${w.names.length - u.size} duplicates`);
      if (w.total !== undefined && w.total !== w.names.length) problems.push(`total ${w.total} but ${w.names.length} rows`);
      if (w.names.length !== last.names.length || w.names.some((n) => !unique.has(n))) problems.push('walks differ');
    }
    if (expectedNames && (expectedNames.length !== unique.size || expectedNames.some((n) => !unique.has(n)))) problems.push('names differ from the one-shot ways');
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const line = (ws: (Walk & { ms: number })[]) => ws.length === 0 ? 'none' : `p50 ${mid(ws.map((w) => w.ms)).toFixed(0)} ms (first page ${mid(ws.map((w) => w.firstMs)).toFixed(0)} ms, the ${last.pages - 1} others ${mid(ws.map((w) => w.restMs)).toFixed(0)} ms)`;
    // The vSphere child's peak RSS after all the walks.
    const childPeak = childPid === undefined ? 'n/a' : `${(treeMemoryKb(childPid).hwm / 1024).toFixed(1)} MiB`;
    const result: GatewayWalkResult = {
      coldMs: cold.value.ms,
      keptMs: mid(kept.map((w) => w.ms)),
      fallbackMs: fallback.length ? mid(fallback.map((w) => w.ms)) : undefined,
      rebuiltMs: rebuilt.length ? mid(rebuilt.map((w) => w.ms)) : undefined,
      text: [
        `gateway walk: vsphere_list_vms, ${last.names.length} VMs in ${last.pages} pages of ≤ ${LIMIT}, warm session; ${problems.length ? `PROBLEMS: ${[...new Set(problems)].join(', ')}` : 'no duplicates, no gaps, every walk the same VMs'}`,
        `    first walk, no kept inventory (cold, fresh child): ${line([cold.value])}`,
        `    later walks, kept inventory (${runs}): ${line(kept)}`,
        `    after vCenter ended the session: fallback walk (renew + full read) ${line(fallback)}; the walk after it (new kept inventory, warm child) ${line(rebuilt)}`,
        `    vSphere child peak RSS after the walks: ${childPeak}`,
        `    vSphere child CPU (user + system): first walk ${cpu1 - cpu0} ms; kept walks ${((cpu2 - cpu1) / Math.max(runs, 1)).toFixed(0)} ms each; after the session ended, fallback + rebuilt walk ${((cpu3 - cpu2) / Math.max(runs, 1)).toFixed(0)} ms per pair`,
        `    SOAP calls: cold walk ${cold.calls || 'none'}; kept walk ${keptCalls || 'none'}; fallback walk ${fallbackCalls || 'none'}`,
      ].join('\n'),
    };
    return result;
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
async function approveUntil(env: Record<string, string>, bin: string[], done: Promise<unknown>): Promise<void> {
  let settled = false;
  void done.then(() => (settled = true), () => (settled = true));
  while (!settled) {
    const list = await runKeybroker(['approvals', '--json'], { env, command: bin });
    const pending = list.code === 0 ? (JSON.parse(list.stdout) as { id: string }[]) : [];
    for (const a of pending) await runKeybroker(['approve', a.id], { env, command: bin });
    await new Promise((r) => setTimeout(r, 100));
  }
}
