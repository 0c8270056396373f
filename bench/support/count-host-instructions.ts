// Count the host's instructions per echo call under valgrind's callgrind: repeatable whatever the
// machine's load, unlike wall or CPU time (issue 17 item 3, round 15). Usage:
//   node --import tsx bench/support/count-host-instructions.ts [ROOT ...]
// ROOT (default this checkout): a built tree whose `keybroker serve` runs under callgrind; several
// ROOTs run one after another, each on a fresh home. The bench client talks to it through the
// root's own bridge (not counted). COUNT_N (default 1000) echo calls are counted after COUNT_WARM
// (default 6000) uncounted ones, which let V8 compile the path first (after 2000, a third of the
// count was still TurboFan's). Prints the host's
// instructions per echo (Ir, every thread of the process), and of them the garbage collector's and
// the compilers' (bursts that land in one window and not another) and the rest, the calls' own.
// COUNT_OUT=<dir> keeps the callgrind files for callgrind_annotate. COUNT_NODE_FLAGS: node flags
// for the host (default --single-threaded: no concurrent compiler or GC threads, whose share of
// the work varies with scheduling; the count then repeats to about a per cent).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';

const HERE = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(HERE, 'test/fixtures/mcp-test-server.ts');
const N = Number(process.env['COUNT_N'] ?? 1000);
const WARM = Number(process.env['COUNT_WARM'] ?? 6000);
const NODE_FLAGS = (process.env['COUNT_NODE_FLAGS'] ?? '--single-threaded').split(' ').filter(Boolean);
const roots = process.argv.slice(2).map((r) => path.resolve(r));
if (roots.length === 0) roots.push(HERE);

/** callgrind_control's "totals" of `pid` after a dump: the Ir since the last zeroing. */
function dumpTotal(pid: number, file: string): { total: number; gc: number; compile: number } {
  const r = spawnSync('callgrind_control', ['-d', String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`callgrind_control -d failed: ${r.stderr}`);
  // The dump lands in `file.N`; its `totals:` (or `summary:`) line is the count.
  const dir = path.dirname(file);
  const dumps = fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(file) + '.')).sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
  const dump = path.join(dir, dumps.at(-1)!);
  const m = /^(?:totals|summary): (\d+)/m.exec(fs.readFileSync(dump, 'utf8'));
  if (!m) throw new Error(`no totals in ${dumps.at(-1)}`);
  return { total: Number(m[1]), ...split(dump) };
}

/**
 * The dump's inclusive Ir under the garbage collector's and the compilers' entry points: both
 * come in bursts (a mark-compact, a re-optimisation) that land in one window and not the next,
 * so the rest, the calls' own work, is the figure that repeats.
 */
function split(dump: string): { gc: number; compile: number } {
  const r = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', dump], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let gc = 0;
  let compile = 0;
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([\d,]+) \(.*?\)\s+(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1]!.replaceAll(',', ''));
    if (/Heap::CollectGarbage\(|IncrementalMarking::(Step|AdvanceOnAllocation|AdvanceAndFinalizeIfComplete|Start)\(/.test(m[2]!)) gc += n;
    else if (/Runtime_(CompileOptimized|CompileLazy|CompileBaseline|CompileMaglev|CompileTurbofan|InstallBaselineCode|OptimizeMaglev)|OptimizingCompileDispatcher::/.test(m[2]!)) compile += n;
  }
  return { gc, compile };
}

async function echo(client: Client, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await client.callTool({ name: 'echo', arguments: { text: `m${i}` } });
}

for (const root of roots) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-count-'));
  const out = process.env['COUNT_OUT'] ? path.resolve(process.env['COUNT_OUT']) : home;
  fs.mkdirSync(out, { recursive: true });
  new ConfigStore(home).save(Config.parse({ ...emptyConfig(), servers: [{ name: 'test', kind: 'vsphere', module: FIXTURE, execArgv: ['--import', 'tsx'] }] }));
  const env = { ...process.env, KEYBROKER_HOME: home } as Record<string, string>;
  const file = path.join(out, `callgrind.${path.basename(root)}`);
  // --instr-atstart=no: start-up and warm-up run without callgrind's instrumentation (far faster);
  // --smc-check=all: V8 writes and rewrites its own machine code.
  const serve = spawn('valgrind', ['--tool=callgrind', '--smc-check=all', '--instr-atstart=no', `--callgrind-out-file=${file}`, process.execPath, ...NODE_FLAGS, path.join(root, 'bin/keybroker.js'), 'serve'], { env, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  serve.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  while (!log.includes('serving from')) {
    if (serve.exitCode !== null) throw new Error(`keybroker serve (${root}) exited: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Under valgrind the host answers slowly at first: a bridge whose welcome timed out is replaced.
  let client = new Client({ name: 'count', version: '1' }, { capabilities: {} });
  for (let attempt = 1; ; attempt++) {
    try {
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [path.join(root, 'bin/keybroker.js'), 'bridge', 'test'], env, cwd: root, stderr: 'ignore' }));
      break;
    } catch (e) {
      if (attempt === 5) throw e;
      await client.close().catch(() => undefined);
      client = new Client({ name: 'count', version: '1' }, { capabilities: {} });
    }
  }
  for (let i = 0; i < 600; i++) {
    try { await client.listTools(); break; } catch { await new Promise((r) => setTimeout(r, 200)); }
  }
  await echo(client, WARM);
  spawnSync('callgrind_control', ['-i', 'on', String(serve.pid)]);
  await echo(client, 50); // the re-translated code's first runs, not counted
  spawnSync('callgrind_control', ['-z', String(serve.pid)]);
  await echo(client, N);
  const ir = dumpTotal(serve.pid!, file);
  const per = (n: number) => (n / N).toFixed(0);
  console.log(`${root}: host ${per(ir.total)} Ir per echo call: calls ${per(ir.total - ir.gc - ir.compile)}, GC ${per(ir.gc)}, compilers ${per(ir.compile)} (${N} counted after ${WARM} + 50 warm; load ${os.loadavg()[0]!.toFixed(1)})`);
  await client.close();
  serve.kill('SIGINT');
  await new Promise((r) => serve.once('exit', r));
  // COUNT_OUT's files are outside the home; the home (config, audit log) goes either way.
  fs.rmSync(home, { recursive: true, force: true });
}
