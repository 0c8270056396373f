// bench/host-reactions: how fast the host reacts, figures that used to be asserted in tests
// (issue 12: no test asserts a wall-clock bound; the tests keep the behaviour, this keeps the
// numbers). Prints medians of N runs; asserts nothing.
//   - lock → token.revoke seen in a real child (goal ≤ 1 s; was vsphere-broker.test.ts)
//   - a crash mid-call → the MCP error reaches the client (goal ≤ 1 s; was mcp-host.test.ts)
//   - host SIGKILLed → the bridge answers and exits (goal ≤ 2 s; was mcp-host.test.ts)
// The "no host: the bridge answers initialize with an error" figure (claude-install.test.ts)
// is bench/bridge-start's "host down" line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { Host } from '../../src/platform/host/host.js';
import type { UpstreamLogin } from '../../src/platform/broker/upstream-login.js';
import { startTokenChild } from '../../test/support/token-child.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/keybroker.js');
const FIXTURE = path.join(ROOT, 'test/fixtures/mcp-test-server.ts');
const N = Number(process.env['BENCH_N'] ?? 10);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const until = async (cond: () => boolean) => { while (!cond()) await new Promise((r) => setTimeout(r, 1)); };

async function lockToRevoke(): Promise<number[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-lock-'));
  new ConfigStore(home).save(Config.parse({
    ...emptyConfig(),
    endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.bench.invalid/sdk', username: 'bench', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
    credentials: [{ id: 'endpoint:vc1' }],
  }));
  let n = 0;
  const login: UpstreamLogin = { login: async () => ({ token: `bench-token-${++n}` }), logout: async () => undefined };
  const host = await Host.start({ home, keychain: { get: async () => 'pw', set: async () => undefined, delete: async () => true }, logins: { vsphere: login, p6: login }, approver: { request: async () => 'allow-ttl' } });
  const child = await startTokenChild(host, 'vsphere');
  const out: number[] = [];
  try {
    for (let i = 0; i < N; i++) {
      await child.token('vc1');
      const before = child.reports.length;
      const t0 = Date.now();
      await host.lock(undefined);
      await until(() => child.reports.slice(before).some((r) => r['revoked'] === 'vc1'));
      out.push((child.reports.slice(before).find((r) => r['revoked'] === 'vc1')!['at'] as number) - t0);
    }
  } finally {
    await child.stop();
    await host.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return out;
}

async function startServe(env: Record<string, string>) {
  const proc = spawn(process.execPath, [BIN, 'serve'], { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d: Buffer) => { log += d.toString(); });
  const exited = new Promise((r) => proc.once('exit', r));
  await until(() => log.includes('serving from'));
  return { proc, exited };
}

async function bridge(env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' }, { capabilities: {} });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'bridge', 'test'], env, cwd: ROOT, stderr: 'ignore' }));
  for (;;) {
    try { await client.callTool({ name: 'echo', arguments: { text: 'up' } }); return client; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
}

async function crashAndHostDeath(): Promise<{ crash: number[]; hostDeath: number[] }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-react-'));
  new ConfigStore(home).save(Config.parse({ ...emptyConfig(), servers: [{ name: 'test', kind: 'vsphere', module: FIXTURE, execArgv: ['--import', 'tsx'] }] }));
  const env = { ...process.env, KEYBROKER_HOME: home } as Record<string, string>;
  const crash: number[] = [];
  const hostDeath: number[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const serve = await startServe(env);
      const client = await bridge(env);
      const t0 = performance.now();
      await client.callTool({ name: 'crash', arguments: {} });
      crash.push(performance.now() - t0);
      await bridge(env).then((c) => c.close()); // the child is back
      let closedAt = 0;
      client.onclose = () => { closedAt = performance.now(); };
      const pending = client.callTool({ name: 'slow', arguments: { steps: 100, delayMs: 50 } }).catch(() => undefined);
      const killedAt = performance.now();
      serve.proc.kill('SIGKILL');
      await pending;
      await until(() => closedAt > 0);
      hostDeath.push(closedAt - killedAt);
      await serve.exited;
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  return { crash, hostDeath };
}

const revoke = await lockToRevoke();
const { crash, hostDeath } = await crashAndHostDeath();
console.log(`host-reactions: median of ${N} runs (${os.cpus().length} cores, node ${process.version})`);
console.log(`  lock → token.revoke in the child        ${median(revoke).toFixed(1).padStart(7)} ms  (goal ≤ 1000 ms)`);
console.log(`  crash mid-call → MCP error at client    ${median(crash).toFixed(1).padStart(7)} ms  (goal ≤ 1000 ms)`);
console.log(`  host SIGKILL → bridge answered, closed  ${median(hostDeath).toFixed(1).padStart(7)} ms  (goal ≤ 2000 ms)`);
