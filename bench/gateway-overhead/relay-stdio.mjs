// The floor's first hop (bench/gateway-overhead): a bare relay of the bridge's shape. stdin →
// a Unix socket → stdout, bytes as they come: no framing, no parsing, no tracking. What any
// design with a separate bridge process costs on this machine, and nothing more.
// usage: node relay-stdio.mjs SOCKET
import net from 'node:net';

const socket = net.connect(process.argv[2]);
socket.setNoDelay?.(true);
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('close', () => process.exit(0));
process.stdin.on('end', () => socket.end());
