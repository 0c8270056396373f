// The floor's second hop (bench/gateway-overhead): a bare relay of the host's shape. A Unix
// socket server; each connection gets its own child (argv after SOCKET) on stdio, bytes piped
// both ways: no framing, no parsing, no policy, no audit. What any design with a separate
// host process between the bridge and the child costs on this machine, and nothing more.
// usage: node relay-child.mjs SOCKET COMMAND [ARG...]; prints "ready" when listening.
// RELAY_SANDBOXED=<json>: run the child as the host's sandbox wrapped it instead (the
// `WrappedCommand` of src/platform/supervisor/sandbox, `fd4` as base64): the same child in
// the same sandbox as the host's.
// RELAY_JSON=<file>: the relay does the line work a host cannot avoid, and nothing else: each
// line is parsed and encoded again both ways, and each answer appends one line to <file> (an
// audit-shaped write). What Node's line handling costs at the host's shape (BENCH_JSON_FLOOR).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const [socketPath, command, ...args] = process.argv.slice(2);
const wrapped = process.env.RELAY_SANDBOXED ? JSON.parse(process.env.RELAY_SANDBOXED) : undefined;

function start() {
  if (!wrapped) return { child: spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] }), stop: () => undefined };
  const child = spawn(wrapped.file, wrapped.args, {
    env: wrapped.env,
    cwd: wrapped.cwd,
    stdio: ['pipe', 'pipe', 'ignore', 'ignore', wrapped.fd4 ? 'pipe' : 'ignore', wrapped.infoFd5 ? 'pipe' : 'ignore'],
  });
  if (wrapped.fd4) child.stdio[4].end(Buffer.from(wrapped.fd4, 'base64'));
  // With bubblewrap the sandboxed node is another pid (pid 1 of its namespace): stop it too.
  let inner;
  let info = '';
  child.stdio[5]?.on('data', (d) => {
    info += d.toString();
    const m = /"child-pid":\s*(\d+)/.exec(info);
    if (m) inner = Number(m[1]);
  });
  return { child, stop: () => { try { if (inner) process.kill(inner); } catch { /* gone */ } } };
}

const jsonLog = process.env.RELAY_JSON ? fs.openSync(process.env.RELAY_JSON, 'a') : undefined;
/** Forward `from` to `to` line by line, each line parsed and encoded again; `after` per line. */
function relayLines(from, to, after) {
  let rest = '';
  from.setEncoding('utf8');
  from.on('data', (text) => {
    const lines = (rest + text).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (!line) continue;
      const value = JSON.parse(line);
      to.write(`${JSON.stringify(value)}\n`);
      after?.(value);
    }
  });
}

const server = net.createServer((socket) => {
  const { child, stop } = start();
  if (jsonLog === undefined) {
    socket.pipe(child.stdin);
    child.stdout.pipe(socket);
  } else {
    relayLines(socket, child.stdin);
    relayLines(child.stdout, socket, (v) => setImmediate(() => fs.writeSync(jsonLog, `${JSON.stringify({ ts: new Date().toISOString(), id: v.id, ok: 'result' in v })}\n`)));
  }
  const end = () => { stop(); child.kill(); };
  socket.on('close', end);
  socket.on('error', end);
  child.on('exit', () => socket.destroy());
});
server.listen(socketPath, () => process.stdout.write('ready\n'));
process.on('SIGINT', () => server.close(() => process.exit(0)));
