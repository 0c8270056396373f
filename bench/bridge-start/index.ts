// bench/bridge-start: from process start to the `initialize` result through the shipped bridge
// (`node dist/cli/bridge.cjs vsphere`, what `claude install` entries and .mcpb bundles run)
// against an in-process gateway socket, against a bare `node -e` start measured in the same
// run. Goal (issue 4): ≤ 1.3 × the bare start. Also shows the `keybroker bridge` path through
// bin/keybroker.js (an ES module, so it pays Node's ESM loader on top), and how fast a bridge
// with no host answers `initialize` with its error (goal: within 1 s). Prints figures; asserts
// nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { GatewaySession, GatewaySessions } from '../../src/platform/gateway/gateway-sessions.js';
import { gatewaySocketPath } from '../../src/platform/gateway/gateway-socket-path.js';
import { GatewaySocketServer } from '../../src/platform/gateway/gateway-socket-server.js';

// Its own knob: bench:gateway runs this after gateway-overhead, whose BENCH_N=3000 (calls) would
// otherwise mean 3,000 process starts here (about an hour on 2 cores).
const RUNS = Number(process.env['BENCH_START_N'] ?? 30);
const root = path.resolve(import.meta.dirname, '../..');
const BRIDGE = path.join(root, 'dist/cli/bridge.cjs');
const BIN = path.join(root, 'bin/keybroker.js');
const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }) + '\n';

/** The least a gateway does for `initialize`: one SDK Server per connection. */
const sessions: GatewaySessions = {
  servers: () => ['vsphere'],
  async openSession({ server, transport }): Promise<GatewaySession> {
    const s = new Server({ name: 'bench-vsphere', version: '1.0.0' }, { capabilities: { tools: {} } });
    const closed = new Promise<void>((r) => { s.onclose = () => r(); });
    await s.connect(transport);
    return { server, closed, close: () => s.close() };
  },
};

const up = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-start-'));
const down = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-down-'));
const gateway = await GatewaySocketServer.listen({ socketPath: gatewaySocketPath(up), sessions });
const env = (home: string) => ({ PATH: process.env['PATH'] ?? '', KEYBROKER_HOME: home });

/** Spawn `args`, optionally write `input`, and time until stdout has a line containing `until`. */
function timeToLine(args: string[], home: string, input: string | undefined, until: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env: env(home), stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    let elapsed = -1;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (elapsed < 0 && out.includes(until)) {
        elapsed = performance.now() - started;
        child.stdin.end();
      }
    });
    child.once('exit', () => (elapsed >= 0 ? resolve(elapsed) : reject(new Error(`${args.join(' ')} exited without "${until}": ${out}`))));
    if (input) child.stdin.write(input);
    else child.stdin.end();
  });
}

const variants = {
  'bare node -e': () => timeToLine(['-e', "process.stdout.write('ready\\n')"], up, undefined, 'ready'),
  'bridge.cjs → initialize result': () => timeToLine([BRIDGE, 'vsphere'], up, INITIALIZE, '"result"'),
  'keybroker bridge → initialize result': () => timeToLine([BIN, 'bridge', 'vsphere'], up, INITIALIZE, '"result"'),
  'bridge.cjs, host down → error answer': () => timeToLine([BRIDGE, 'vsphere'], down, INITIALIZE, 'KeyBroker is not running'),
};
type Name = keyof typeof variants;
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, [] as number[]])) as Record<Name, number[]>;

for (let i = 0; i < 3; i++) for (const run of Object.values(variants)) await run(); // warm the file cache
// Interleave, so drift on a noisy machine hits every variant equally.
for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(variants) as Array<[Name, () => Promise<number>]>) samples[name].push(await run());

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const bare = median(samples['bare node -e']);
console.log(`bridge-start: ${RUNS} interleaved runs each, median ms (${os.cpus().length} cores, node ${process.version}, bundle ${(fs.statSync(BRIDGE).size / 1024).toFixed(1)} KiB)`);
for (const name of Object.keys(variants) as Name[]) {
  const m = median(samples[name]);
  console.log(`  ${name.padEnd(38)} ${m.toFixed(1).padStart(6)} ms  ×${(m / bare).toFixed(2)}`);
}
console.log(`  ratio bridge.cjs/bare = ${(median(samples['bridge.cjs → initialize result']) / bare).toFixed(2)}  (goal ≤ 1.30, the shipped entry)`);
console.log(`  host down: error answer after ${median(samples['bridge.cjs, host down → error answer']).toFixed(1)} ms  (goal ≤ 1000 ms)`);

await gateway.close();
fs.rmSync(up, { recursive: true, force: true });
fs.rmSync(down, { recursive: true, force: true });
