// The floor's second hop (bench/gateway-overhead): a bare relay of the host's shape. A Unix
// socket server; each connection gets its own child (argv after SOCKET) on stdio, bytes piped
// both ways: no framing, no parsing, no policy, no audit. What any design with a separate
// host process between the bridge and the child costs on this machine, and nothing more.
// usage: node relay-child.mjs SOCKET COMMAND [ARG...]; prints "ready" when listening.
import { spawn } from 'node:child_process';
import net from 'node:net';

const [socketPath, command, ...args] = process.argv.slice(2);
const server = net.createServer((socket) => {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  socket.pipe(child.stdin);
  child.stdout.pipe(socket);
  socket.on('close', () => child.kill());
  socket.on('error', () => child.kill());
  child.on('exit', () => socket.destroy());
});
server.listen(socketPath, () => process.stdout.write('ready\n'));
process.on('SIGINT', () => server.close(() => process.exit(0)));
