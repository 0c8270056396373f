// Issue 17 item 3, end to end: the built bridge closes a request answered in the host's fixed
// form from the line's head, unparsed, so when the host goes away it answers with an error
// every request it has not seen answered, and only those, whichever form the answers had.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { gatewaySocketPath } from '../../src/platform/gateway/gateway-socket-path.js';
import { encodeJsonRpcLine } from '../../src/platform/gateway/json-rpc-line.js';
import { until } from '../support/wait.js';

const root = path.resolve(import.meta.dirname, '../..');
const BRIDGE = path.join(root, 'dist/cli/bridge.cjs');

describe('keybroker bridge: requests answered in the fixed form are closed unparsed (issue 17 item 3)', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanup.splice(0).reverse()) c();
  });

  it('when the host goes away, only the requests it did not answer get an error, whichever form the answer had', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bridge-head-'));
    cleanup.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const request = (id: number | string) => `${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x' } })}\n`;
    // Answered in the fixed form (read from the head), in another key order (parsed), and a
    // progress notification (method first) that answers nothing; request 4 stays open.
    const answers = [
      `${encodeJsonRpcLine({ result: { content: [] }, jsonrpc: '2.0', id: 1 } as JSONRPCMessage) as string}`,
      `${encodeJsonRpcLine({ jsonrpc: '2.0', id: 'two', error: { code: -1, message: 'no' } }) as string}`,
      `${JSON.stringify({ result: {}, id: 3, jsonrpc: '2.0' })}\n`,
      `${encodeJsonRpcLine({ method: 'notifications/progress', params: { progressToken: 4, progress: 1 }, jsonrpc: '2.0' }) as string}`,
    ];
    let hostSocket: net.Socket | undefined;
    let fromBridge = '';
    const server = net.createServer((socket) => {
      hostSocket = socket;
      let welcomed = false;
      socket.on('data', (chunk: Buffer) => {
        if (!welcomed) {
          welcomed = true;
          socket.write(`${JSON.stringify({ ok: true, server: 'test' })}\n`);
          chunk = chunk.subarray(chunk.indexOf(10) + 1);
        }
        fromBridge += chunk.toString();
      });
    });
    await new Promise<void>((resolve) => server.listen(gatewaySocketPath(home, {}), resolve));
    cleanup.push(() => server.close());
    const bridge = spawn(process.execPath, [BRIDGE, 'test'], { env: { PATH: process.env['PATH'] ?? '', KEYBROKER_HOME: home } });
    cleanup.push(() => bridge.kill('SIGKILL'));
    let toClient = '';
    bridge.stdout.on('data', (d: Buffer) => (toClient += d.toString()));
    bridge.stdin.write(`${request(1)}${request('two')}${request(3)}${request(4)}`);
    await until('the requests at the host', () => fromBridge.split('\n').length - 1 === 4);
    hostSocket!.write(answers.join(''));
    await until('the answers at the client', () => toClient === answers.join(''));
    const exited = new Promise<number | null>((r) => bridge.once('exit', (code) => r(code)));
    hostSocket!.destroy();
    assert.equal(await exited, 1);
    const after = toClient.slice(answers.join('').length).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: unknown; error?: unknown });
    assert.deepEqual(after.map((m) => m.id), [4], 'one error, for the one request left open');
    assert.ok(after[0]!.error, 'the request left open is answered with an error');
  });
});
