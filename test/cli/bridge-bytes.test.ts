// Issue 17 item 3: the bridge passes lines on as the bytes they came as, each with one
// newline, in one write when the line came whole in one chunk and corked otherwise. These
// check the bytes on both sides exactly, for the cases that take each path: several lines in
// one chunk, a CRLF line (the CR is dropped, as before), and a line longer than a socket read
// (it comes in several chunks).
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gatewaySocketPath } from '../../src/platform/gateway/gateway-socket-path.js';
import { HANG_GUARD_MS } from '../support/wait.js';

const root = path.resolve(import.meta.dirname, '../..');
const BRIDGE = path.join(root, 'dist/cli/bridge.cjs');

/** Resolve once `check()` holds, re-checked on every event `on` registers; hang-guarded. */
function until(check: () => boolean, on: (wake: () => void) => void, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hung: ${what}`)), HANG_GUARD_MS);
    const wake = () => {
      if (!check()) return;
      clearTimeout(timer);
      resolve();
    };
    on(wake);
    wake();
  });
}

describe('keybroker bridge: bytes as they came (issue 17)', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanup.splice(0).reverse()) c();
  });

  it('passes every line on exactly once with one newline, whole or split across chunks, both ways', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bridge-bytes-'));
    cleanup.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const big = JSON.stringify({ jsonrpc: '2.0', id: 4, result: { content: [{ type: 'text', text: 'x'.repeat(300_000) }] } });
    const requests = [1, 2, 3, 4].map((id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text: `m${id}` } } }));
    const answers = [1, 2, 3].map((id) => JSON.stringify({ jsonrpc: '2.0', id, result: { content: [] } }));

    // A raw host: welcome the bridge, record what it forwards, answer in chosen chunks.
    let fromBridge = Buffer.alloc(0);
    const hostEvents: Array<() => void> = [];
    const server = net.createServer((socket) => {
      let welcomed = false;
      socket.on('data', (chunk: Buffer) => {
        if (!welcomed) {
          const nl = chunk.indexOf(10);
          welcomed = true;
          socket.write(`${JSON.stringify({ ok: true, server: 'test' })}\n`);
          chunk = chunk.subarray(nl + 1);
        }
        fromBridge = Buffer.concat([fromBridge, chunk]);
        if (fromBridge.toString().split('\n').length - 1 === requests.length) {
          socket.write(`${answers[0]}\n${answers[1]}\n`); // two lines in one chunk
          socket.write(`${answers[2]}\r\n`); // CRLF
          socket.write(`${big}\n`); // longer than a socket read: several chunks
        }
        hostEvents.forEach((w) => w());
      });
    });
    const socketPath = gatewaySocketPath(home, {});
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    cleanup.push(() => server.close());

    const bridge: ChildProcessWithoutNullStreams = spawn(process.execPath, [BRIDGE, 'test'], { env: { PATH: process.env['PATH'] ?? '', KEYBROKER_HOME: home } });
    cleanup.push(() => bridge.kill('SIGKILL'));
    let toClient = Buffer.alloc(0);
    const clientEvents: Array<() => void> = [];
    bridge.stdout.on('data', (d: Buffer) => {
      toClient = Buffer.concat([toClient, d]);
      clientEvents.forEach((w) => w());
    });
    // The client's lines: three in one write, one with CRLF.
    bridge.stdin.write(`${requests[0]}\n${requests[1]}\n${requests[2]}\n`);
    bridge.stdin.write(`${requests[3]}\r\n`);

    const expectedToClient = `${answers[0]}\n${answers[1]}\n${answers[2]}\n${big}\n`;
    await until(() => toClient.length >= Buffer.byteLength(expectedToClient), (w) => clientEvents.push(w), 'the answers at the client');
    assert.equal(fromBridge.toString(), requests.map((r) => `${r}\n`).join(''));
    assert.equal(toClient.toString(), expectedToClient);
    const exited = new Promise<number | null>((r) => bridge.once('exit', (code) => r(code)));
    bridge.stdin.end();
    assert.equal(await exited, 0);
  });
});
