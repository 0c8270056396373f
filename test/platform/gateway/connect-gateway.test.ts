import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectGateway } from '../../../src/platform/gateway/connect-gateway.js';
import { gatewaySocketPath } from '../../../src/platform/gateway/gateway-socket-path.js';
import { GatewaySocketServer } from '../../../src/platform/gateway/gateway-socket-server.js';
import { FakeGatewaySessions } from '../../mocks/fake-gateway-sessions.js';

describe('connectGateway()', () => {
  let home: string;
  let closers: Array<() => Promise<void> | void>;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cg-'));
    closers = [];
  });
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('returns a transport an SDK Client can use', async () => {
    const s = await GatewaySocketServer.listen({ socketPath: gatewaySocketPath(home, {}), sessions: new FakeGatewaySessions() });
    closers.push(() => s.close());
    const client = new Client({ name: 'c', version: '1' });
    await client.connect(await connectGateway({ socketPath: s.socketPath, server: 'p6', client: 'cli' }));
    assert.deepEqual((await client.callTool({ name: 'echo', arguments: { text: 'x' } })).content, [{ type: 'text', text: 'p6:x' }]);
    await client.close();
  });

  it('throws HostNotRunningError when nothing listens', async () => {
    await assert.rejects(connectGateway({ socketPath: gatewaySocketPath(home, {}), server: 'p6', client: 'cli' }), { code: 'CORE_HOST_NOT_RUNNING' });
  });

  it('throws GatewayRefusedError with the host code and message on ok:false', async () => {
    const s = await GatewaySocketServer.listen({ socketPath: gatewaySocketPath(home, {}), sessions: new FakeGatewaySessions(['vsphere']) });
    closers.push(() => s.close());
    await assert.rejects(connectGateway({ socketPath: s.socketPath, server: 'p6', client: 'cli' }), (e: Error & { code?: string; remoteCode?: string }) =>
      e.code === 'CORE_GATEWAY_REFUSED' && e.remoteCode === 'CORE_SERVER_NOT_FOUND' && /"p6"/.test(e.message));
  });

  it('throws GatewayHandshakeError when the welcome is not one', async () => {
    const p = gatewaySocketPath(home, {});
    // resume(): read (and drop) the hello, or the client's FIN is never seen and close() waits forever.
    const fake = net.createServer((socket) => socket.resume().end('{"hello":"there"}\n'));
    await new Promise<void>((r) => fake.listen(p, r));
    closers.push(() => new Promise<void>((r) => fake.close(() => r())));
    await assert.rejects(connectGateway({ socketPath: p, server: 'p6', client: 'cli' }), { code: 'CORE_GATEWAY_HANDSHAKE' });
  });
});
