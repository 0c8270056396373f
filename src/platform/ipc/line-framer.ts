import type { Socket } from 'node:net';
import { LineFramer, type LineFramerOptions } from '../../base/framing/line-framer.js';

// The framer itself is runtime-neutral (children use it too); Node code imports it from here.
export { LineFramer, type InvalidLineReason, type LineFramerOptions } from '../../base/framing/line-framer.js';

/** Read newline-delimited JSON from `socket` through a LineFramer; returns the framer. */
export function readJsonLines(socket: Socket, options: LineFramerOptions): LineFramer {
  const framer = new LineFramer(options);
  socket.on('data', (chunk: Buffer) => framer.push(chunk));
  socket.on('end', () => framer.end());
  return framer;
}
