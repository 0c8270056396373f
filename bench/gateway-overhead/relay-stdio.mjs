// The floor's first hop (bench/gateway-overhead): a bare relay of the bridge's shape. stdin →
// a Unix socket → stdout, bytes as they come: no framing, no parsing, no tracking. What any
// design with a separate bridge process costs on this machine, and nothing more.
// usage: node relay-stdio.mjs SOCKET
import net from 'node:net';

// RELAY_JSON=1: each line is parsed (as the bridge does to track requests) and passed on as
// the bytes it came as (BENCH_JSON_FLOOR).
const socket = net.connect(process.argv[2]);
function relayLines(from, to) {
  let rest = Buffer.alloc(0);
  from.on('data', (chunk) => {
    let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let nl;
    while ((nl = buf.indexOf(10)) !== -1) {
      JSON.parse(buf.toString('utf8', 0, nl));
      to.write(buf.subarray(0, nl + 1));
      buf = buf.subarray(nl + 1);
    }
    rest = Buffer.from(buf);
  });
}
if (process.env.RELAY_JSON) {
  relayLines(process.stdin, socket);
  relayLines(socket, process.stdout);
} else {
  process.stdin.pipe(socket);
  socket.pipe(process.stdout);
}
socket.on('close', () => process.exit(0));
process.stdin.on('end', () => socket.end());
