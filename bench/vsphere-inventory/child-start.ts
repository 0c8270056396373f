// bench/vsphere-inventory, measuring aid (issue 17 item 2): a server child's cold start, as
// after an idle stop (D81). Spawns the built child (`dist/mcp/<name>/index.cjs --stdio`, with
// the host's flags for it) and times, from the spawn: initialize answered, tools/list
// answered and, for vSphere, the first tools/call answered (`vsphere_list_vms` against a small
// vcsim; the child logs in itself in --stdio mode). CPU (user+sys) and peak RSS of the child
// from GNU time, its RSS right after tools/list from /proc. BENCH_BASE (a checkout built in a
// temp folder) runs its child too, interleaved. Not part of the bench; asserts nothing.
//
// Run: node --import tsx bench/vsphere-inventory/child-start.ts
// Env: CHILD (vsphere | p6; default vsphere), START_RUNS (8), BENCH_BASE.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startVcsim, type Vcsim } from '../../test/support/vcsim.js';
import { BUILT_IN_SERVER_FLAGS } from '../../src/platform/kinds/server-flags.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = process.env['CHILD'] ?? 'vsphere';
const RUNS = Number(process.env['START_RUNS'] ?? 8);
const roots: [string, string][] = [['ours', ROOT], ...(process.env['BENCH_BASE'] ? [['base', path.resolve(process.env['BENCH_BASE'])] as [string, string]] : [])];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-child-start-'));

interface Marks { init: number; list: number; call?: number; cpuMs: number; rssMiB: number; listRssMiB: number }

/** VmRSS of the node under /usr/bin/time (its only child), in MiB. */
function rssOfChildOf(pid: number | undefined): number {
  const child = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
  const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

function once(root: string, env: Record<string, string>): Promise<Marks> {
  const stats = path.join(tmp, 'time.txt');
  // index.cjs since round 5 (a CommonJS entry); a BENCH_BASE built before that has index.js.
  const dir = path.join(root, 'dist', 'mcp', CHILD);
  const entry = path.join(dir, fs.existsSync(path.join(dir, 'index.cjs')) ? 'index.cjs' : 'index.js');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', stats, process.execPath, ...(BUILT_IN_SERVER_FLAGS[CHILD] ?? []), entry, '--stdio'], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
    const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
    const marks: Partial<Marks> = {};
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString('utf8');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const msg = JSON.parse(buffered.slice(0, nl)) as { id?: number; error?: unknown; result?: { isError?: boolean } };
        buffered = buffered.slice(nl + 1);
        if (msg.error || msg.result?.isError) return reject(new Error(JSON.stringify(msg).slice(0, 300)));
        if (msg.id === 1) {
          marks.init = ms();
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
        } else if (msg.id === 2) {
          marks.list = ms();
          marks.listRssMiB = rssOfChildOf(child.pid);
          if (CHILD === 'vsphere') send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'vsphere_list_vms', arguments: {} } });
          else child.stdin.end();
        } else if (msg.id === 3) {
          marks.call = ms();
          child.stdin.end();
        }
      }
    });
    child.on('error', reject);
    child.on('close', () => {
      const [user, sys, rss] = fs.readFileSync(stats, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      resolve({ ...(marks as Marks), cpuMs: (user! + sys!) * 1000, rssMiB: rss! / 1024 });
    });
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'child-start', version: '0' } } });
  });
}

let vcsim: Vcsim | undefined;
try {
  let env: Record<string, string> = {};
  if (CHILD === 'vsphere') {
    vcsim = await startVcsim({ username: 'bench', password: 'bench-pass' });
    env = { VSPHERE_URL: vcsim.url, VSPHERE_USER: 'bench', VSPHERE_PASSWORD: 'bench-pass', VSPHERE_FINGERPRINT: vcsim.fingerprintSha256 };
  } else {
    // initialize and tools/list need no upstream; --stdio only wants the variables set.
    env = { P6_URL: 'https://127.0.0.1:9/p6ws/restapi', P6_USER: 'x', P6_PASSWORD: 'x', P6_DATABASE: 'x' };
  }
  for (const [, root] of roots) await once(root, env); // warm-up (page cache)
  const all: Record<string, Marks[]> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [label, root] of i % 2 ? [...roots].reverse() : roots) (all[label] ??= []).push(await once(root, env));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`${CHILD} child, spawn → answered (medians of ${RUNS}, interleaved; node ${process.version}, flags ${(BUILT_IN_SERVER_FLAGS[CHILD] ?? []).join(' ') || 'none'})`);
  for (const [label, xs] of Object.entries(all)) {
    const call = xs[0]?.call !== undefined ? `  first tools/call ${med(xs.map((x) => x.call!)).toFixed(0)} ms` : '';
    console.log(`  ${label.padEnd(5)} initialize ${med(xs.map((x) => x.init)).toFixed(0)} ms  tools/list ${med(xs.map((x) => x.list)).toFixed(0)} ms${call}  CPU ${med(xs.map((x) => x.cpuMs)).toFixed(0)} ms  RSS after tools/list ${med(xs.map((x) => x.listRssMiB)).toFixed(1)} MiB  peak RSS ${med(xs.map((x) => x.rssMiB)).toFixed(1)} MiB`);
  }
} finally {
  await vcsim?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
