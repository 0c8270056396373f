// A test peer's reading of newline-delimited JSON from a socket (the gateway and control
// sockets' framing): each complete line parsed and handed on, in order.
import type net from 'node:net';

/** Call `onValue` with each JSON line `socket` receives; sets the socket's encoding to UTF-8. */
export function onJsonLines<T>(socket: net.Socket, onValue: (value: T) => void): void {
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    text += d;
    let i;
    while ((i = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, i);
      text = text.slice(i + 1);
      onValue(JSON.parse(line) as T);
    }
  });
}
