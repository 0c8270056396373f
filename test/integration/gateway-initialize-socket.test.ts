// issue 10 item 9, end to end: on the real gateway socket of a real `keybroker serve`, a raw
// client that skips MCP `initialize` cannot call a tool; a proper SDK client still can.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GATEWAY_PROTOCOL } from '../../src/base/contracts/gateway-handshake.js';
import { gatewaySocketPath } from '../../src/platform/gateway/gateway-socket-path.js';
import { readAudit } from '../../src/platform/audit/read-audit.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/keybroker-cli.js';

describe('gateway socket before initialize', () => {
  let ss: SecretService;
  let home: string;
  let serve: ServeProcess;
  before(async () => {
    ss = await startSecretService();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-h3-init-'));
    serve = await startServe({ ...process.env, ...ss.env, KEYBROKER_HOME: home });
  });
  after(async () => {
    await serve?.stop();
    await ss?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('answers tools/call sent right after the hello with an error, and audits it', async () => {
    const socket = net.connect(gatewaySocketPath(home, {}));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { text += d; });
    try {
      await new Promise((r, j) => { socket.once('connect', r); socket.once('error', j); });
      socket.write(JSON.stringify({ protocol: GATEWAY_PROTOCOL, server: 'vsphere', client: 'raw-socket' }) + '\n');
      socket.write(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'vsphere_list_datacenters', arguments: {} } }) + '\n');
      const lines = await waitFor('welcome and answer', () => {
        const l = text.split('\n').filter(Boolean);
        return l.length >= 2 ? l.map((x) => JSON.parse(x) as Record<string, unknown>) : undefined;
      }, 30_000);
      assert.equal(lines[0]!['ok'], true);
      const answer = lines[1] as { id: number; error?: { code: number; message: string } };
      assert.equal(answer.id, 7);
      assert.equal(answer.error?.code, -32600);
      assert.match(answer.error?.message ?? '', /before initialize/);
    } finally {
      socket.destroy();
    }
    await waitFor('the audit record', () => (readAudit(home).records.some((r) => r.event === 'gateway.rejected' && r.code === 'not-initialized' && r.client === 'raw-socket') ? true : undefined));
    assert.ok(!readAudit(home).records.some((r) => r.event === 'tool.called'), 'no tool was called before initialize');
  });
});
