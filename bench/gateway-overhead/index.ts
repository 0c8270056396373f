// bench/gateway-overhead: the echo tool through bridge → gateway socket → supervised child,
// against the same child on direct stdio (the direct path), 5,000 sequential calls each in
// one run. Goal (issue 4): ≤ 0.3 ms added at p50, p50 ratio ≤ 1.5. Prints; asserts nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/mcp-test-server.ts');
const N = Number(process.env['BENCH_N'] ?? 5000);
// BENCH_PROF_DIR=<dir>: the host and the bridge run with --cpu-prof into <dir> (issue 17 profiles).
const PROF_DIR = process.env['BENCH_PROF_DIR'];
const prof = PROF_DIR ? ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', path.resolve(PROF_DIR)] : [];

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-gw-'));
new ConfigStore(home).save(Config.parse({ ...emptyConfig(), servers: [{ name: 'test', kind: 'vsphere', module: FIXTURE, execArgv: ['--import', 'tsx'] }] }));
const env = { ...process.env, KEYBROKER_HOME: home } as Record<string, string>;
const serve = spawn(process.execPath, [...prof, path.join(ROOT, 'bin/keybroker.js'), 'serve'], { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
let serveLog = '';
serve.stderr.on('data', (d: Buffer) => { serveLog += d.toString(); });
while (!serveLog.includes('serving from')) await new Promise((r) => setTimeout(r, 50));

/** CPU time (user + system) of `pid` so far, in ms; NaN where /proc is not there. */
function cpuMs(pid: number | null | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return NaN;
  }
}

const pids: Record<string, number | null> = {};
async function connect(command: string, args: string[], label?: string): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' }, { capabilities: {} });
  const transport = new StdioClientTransport({ command, args, env, cwd: ROOT, stderr: 'ignore' });
  await client.connect(transport);
  if (label) pids[label] = transport.pid;
  // The gateway answers tools/list once the child is up; wait for it.
  for (let i = 0; i < 100; i++) {
    try { await client.listTools(); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  return client;
}

async function run(client: Client, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await client.callTool({ name: 'echo', arguments: { text: `m${i}` } });
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

const gateway = await connect(process.execPath, [...prof, path.join(ROOT, 'bin/keybroker.js'), 'bridge', 'test'], 'bridge');
const direct = await connect(process.execPath, ['--import', 'tsx', FIXTURE, '--stdio']);
await run(gateway, 300);
await run(direct, 300);
const g: number[] = [];
const d: number[] = [];
// CPU per gateway call of the host and the bridge: steadier than wall time on a busy machine.
const cpu = { host: 0, bridge: 0 };
for (let round = 0; round < 5; round++) {
  d.push(...(await run(direct, N / 5)));
  const before = { host: cpuMs(serve.pid), bridge: cpuMs(pids['bridge']) };
  g.push(...(await run(gateway, N / 5)));
  cpu.host += cpuMs(serve.pid) - before.host;
  cpu.bridge += cpuMs(pids['bridge']) - before.bridge;
}
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };
const ms = (x: number) => `${x.toFixed(3)} ms`;
console.log(`gateway-overhead: ${N} sequential echo calls each (${os.cpus().length} cores, node ${process.version})`);
console.log(`  direct stdio              p50 ${ms(pct(d, 50))}  p99 ${ms(pct(d, 99))}`);
console.log(`  bridge → gateway → child  p50 ${ms(pct(g, 50))}  p99 ${ms(pct(g, 99))}`);
console.log(`  added at p50 = ${ms(pct(g, 50) - pct(d, 50))}  (goal ≤ 0.300 ms)`);
console.log(`  ratio p50 = ${(pct(g, 50) / pct(d, 50)).toFixed(2)}  (goal ≤ 1.50)`);
console.log(`  CPU per gateway call: host ${((cpu.host / N) * 1000).toFixed(0)} µs, bridge ${((cpu.bridge / N) * 1000).toFixed(0)} µs`);
await gateway.close();
await direct.close();
serve.kill('SIGINT');
await new Promise((r) => serve.on('exit', r));
fs.rmSync(home, { recursive: true, force: true });
