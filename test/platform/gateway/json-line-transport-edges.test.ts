// JsonLineTransport's edges its first whole Stryker run since round 9 showed (E4-mutation,
// docs/TESTING.md `sockets`): each case here was seen failing with its mutant planted by hand.
// Real Unix sockets, as in json-line-transport-attacks.test.ts.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { rememberResultLine } from '../../../src/platform/gateway/forwarded-result-bytes.js';
import { JsonLineTransport, SPLICE_FROM_BYTES } from '../../../src/platform/gateway/json-line-transport.js';
import { until } from '../../support/wait.js';

/** A connected pair of real Unix sockets; `host` is the accepted end, `peer` the client. */
async function socketPair(): Promise<{ host: net.Socket; peer: net.Socket; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-jlte-'));
  const p = path.join(dir, 's.sock');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(p, r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const peer = net.connect(p);
  await new Promise((r) => peer.once('connect', r));
  const host = await accepted;
  server.close();
  return { host, peer, cleanup: () => { host.destroy(); peer.destroy(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** Every byte the peer receives, as text. */
function rawText(socket: net.Socket): () => string {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** A result parsed from a child's channel line holding `body` as its bytes, remembered with that line. */
function childResult(id: number, body: string): object {
  const line = Buffer.from(`{"ch":"mcp","msg":{"jsonrpc":"2.0","id":${id},"result":${body}}}`);
  const result = (JSON.parse(line.toString()) as { msg: { result: object } }).msg.result;
  rememberResultLine(result, line);
  return result;
}

const lastLine = { jsonrpc: '2.0' as const, method: 'notifications/message', params: { level: 'info', data: 'end' } };
const lastText = '{"method":"notifications/message","jsonrpc":"2.0","params":{"level":"info","data":"end"}}\n';

describe('JsonLineTransport: edges of the E4-mutation run', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    cleanups.splice(0).forEach((c) => c());
  });

  it('by default encodes a child\'s result from a line under 64 KiB, and writes one from a line of 64 KiB or more as the child\'s bytes', async () => {
    const { host, peer, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const transport = new JsonLineTransport(host);
    await transport.start();
    const text = rawText(peer);
    // Spaces JSON.stringify would not write: only the child's own bytes have them.
    const small = '{"a" : [1, 2]}';
    const big = `{"b" : "${'x'.repeat(SPLICE_FROM_BYTES)}"}`;
    await transport.send({ jsonrpc: '2.0', id: 1, result: childResult(7, small) } as JSONRPCMessage);
    await transport.send({ jsonrpc: '2.0', id: 2, result: childResult(8, big) } as JSONRPCMessage);
    // A last line after them, so that answers missing or short fail here instead of waiting.
    await transport.send(lastLine);
    await until('the last line at the peer', () => text().endsWith(lastText));
    const lines = text().split('\n');
    assert.equal(lines[0], '{"jsonrpc":"2.0","id":1,"result":{"a":[1,2]}}', 'a result from a line under 64 KiB was not encoded by the host (it kept the child\'s spaces)');
    assert.equal(lines[1], `{"jsonrpc":"2.0","id":2,"result":${big}}`, 'a result from a line of 64 KiB or more was not written as the child\'s bytes');
  });

  it('a refusal it cannot write (the session destroyed the connection while handling the line before) is reported to the session, not lost', async () => {
    const { host, cleanup } = await socketPair();
    cleanups.push(cleanup);
    // Two requests in the bytes already read: one push of the framer, so the second is refused
    // (a window of one) right after the first was handed on, before any close event.
    const lines = [1, 2].map((id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list', params: {} }) + '\n').join('');
    const transport = new JsonLineTransport(host, { maxInFlight: 1, initialChunk: Buffer.from(lines) });
    const messages: JSONRPCMessage[] = [];
    const errors: Error[] = [];
    transport.onmessage = (m) => {
      messages.push(m);
      host.destroy();
    };
    transport.onerror = (e) => errors.push(e);
    let closes = 0;
    transport.onclose = () => closes++;
    await transport.start();
    await until('the close heard', () => closes === 1);
    assert.deepEqual(messages.map((m) => (m as { id: unknown }).id), [1], 'the second request was handed on instead of refused');
    assert.deepEqual(errors.map((e) => e.message), ['the gateway connection is closed; reconnect to continue'], 'the refusal\'s failed write was not reported');
  });
});
