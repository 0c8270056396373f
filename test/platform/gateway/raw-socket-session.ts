// A raw client of a real Gateway session over a real Unix socket and the real JsonLineTransport
// (so the direct dispatch, D239, serves its plain calls): lines written by hand, every line the
// host writes kept in order. For attacks that the SDK's Client would never send.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Gateway } from '../../../src/platform/gateway/gateway.js';
import { JsonLineTransport } from '../../../src/platform/gateway/json-line-transport.js';
import { until } from '../../support/wait.js';
import { onJsonLines } from '../../support/json-lines.js';

/** One line the host wrote to the raw client. */
export type HostLine = {
  id?: string | number;
  result?: { content?: { text?: string }[] };
  error?: { code: number; message: string };
  method?: string;
  params?: { progressToken?: unknown; progress?: number; message?: string };
};

/** A raw session of `server`, initialised; `end()` closes it and waits for the session's end. */
export async function rawSocketSession(gateway: Gateway, server: string, label = 'raw') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-raw-'));
  const socketPath = path.join(dir, 'g.sock');
  const closed: Promise<void>[] = [];
  const listener = net.createServer((socket) => {
    void gateway.openSession({ server, clientLabel: label, via: 'socket', transport: new JsonLineTransport(socket) }).then((s) => closed.push(s.closed));
  });
  await new Promise<void>((resolve) => listener.listen(socketPath, resolve));
  const socket = net.connect(socketPath);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const lines: HostLine[] = [];
  onJsonLines<HostLine>(socket, (l) => lines.push(l));
  const write = (m: object) => socket.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
  write({ id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: label, version: '1' } } });
  await until('the initialize answer', () => lines.some((l) => l.id === 'init'));
  write({ method: 'notifications/initialized' });
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    socket.destroy();
    listener.close();
    await Promise.all(closed);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { socket, lines, write, end };
}
