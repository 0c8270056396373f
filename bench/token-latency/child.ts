// Benchmark child: measures round trips over the real host channel (framed pipe), the way an MCP
// server child talks to the host. Commands arrive as {ch:'mcp', msg:{cmd,...}}.
import { processHostChannel } from '../../src/mcp/runtime/host-channel.js';

const channel = processHostChannel();
if (!channel) throw new Error('run me through a KeyBroker launcher (NodeLauncher)');

let pending: ((m: unknown) => void) | undefined;
channel.onMessage((m) => {
  const msg = (m as { ch?: string; msg?: { cmd?: string; endpoint?: string; n?: number } }).msg;
  if ((m as { ch?: string }).ch === 'mcp' && msg?.cmd) void run(msg.cmd, msg.endpoint ?? '', msg.n ?? 0);
  else pending?.(m);
});

function next(): Promise<unknown> {
  return new Promise((r) => { pending = r; });
}

async function run(cmd: string, endpoint: string, n: number): Promise<void> {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const reply = next();
    if (cmd === 'echo') channel!.send({ ch: 'mcp', msg: { echo: i } });
    else channel!.send({ ch: 'broker', t: 'token.request', id: `b${i}`, endpoint });
    const m = (await reply) as { t?: string };
    if (cmd === 'token' && m.t !== 'token.grant') throw new Error(`expected a grant, got ${m.t}`);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  channel!.send({ ch: 'mcp', msg: { done: cmd, samples: Array.from(samples) } });
}
