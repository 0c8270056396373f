import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import fc from 'fast-check';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MAX_MCP_LINE_BYTES } from '../../../src/base/contracts/gateway-handshake.js';
import { JsonLineTransport, type JsonLineInvalidReason } from '../../../src/platform/gateway/json-line-transport.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A connected pair of real Unix sockets. */
async function socketPair(): Promise<{ a: net.Socket; b: net.Socket; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-jlt-'));
  const p = path.join(dir, 's.sock');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(p, r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const a = net.connect(p);
  await new Promise((r) => a.once('connect', r));
  const b = await accepted;
  server.close();
  return { a, b, cleanup: () => { a.destroy(); b.destroy(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** A transport plus everything it reported. */
function observe(socket: Duplex, options: ConstructorParameters<typeof JsonLineTransport>[1] = {}) {
  const messages: JSONRPCMessage[] = [];
  const invalid: JsonLineInvalidReason[] = [];
  const errors: Error[] = [];
  let closes = 0;
  const transport = new JsonLineTransport(socket, { ...options, onInvalidLine: (r) => invalid.push(r) });
  transport.onmessage = (m) => messages.push(m);
  transport.onerror = (e) => errors.push(e);
  transport.onclose = () => closes++;
  return { transport, messages, invalid, errors, closes: () => closes };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

const request = (id: number, method = 'tools/list'): JSONRPCMessage => ({ jsonrpc: '2.0', id, method, params: {} });

describe('JsonLineTransport', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    cleanups.splice(0).forEach((c) => c());
  });

  it('carries messages both ways as one JSON line each', async () => {
    const { a, b, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const left = observe(a);
    const right = observe(b);
    await left.transport.start();
    await right.transport.start();
    await left.transport.send(request(1));
    await right.transport.send({ jsonrpc: '2.0', id: 1, result: { tools: [] } });
    await left.transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await until(() => right.messages.length === 2 && left.messages.length === 1);
    assert.deepEqual(right.messages, [request(1), { jsonrpc: '2.0', method: 'notifications/initialized' }]);
    assert.deepEqual(left.messages, [{ jsonrpc: '2.0', id: 1, result: { tools: [] } }]);
    assert.deepEqual([...left.invalid, ...right.invalid], []);
  });

  it('writes the greeting first and delivers the bytes read before it started, in order', async () => {
    const { a, b, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const raw: Buffer[] = [];
    a.on('data', (d: Buffer) => raw.push(d));
    // What a handshake reader already took from the socket: one message and half of the next.
    const early = Buffer.from(JSON.stringify(request(1)) + '\n' + '{"jsonrpc":"2.0",');
    const right = observe(b, { initialChunk: early, greeting: { ok: true, server: 'vsphere' } });
    a.write('"id":2,"method":"ping"}\n');
    await right.transport.start();
    await right.transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    await until(() => right.messages.length === 2 && Buffer.concat(raw).toString().split('\n').length === 3);
    assert.deepEqual(right.messages, [request(1), { jsonrpc: '2.0', id: 2, method: 'ping' }]);
    assert.deepEqual(Buffer.concat(raw).toString(), '{"ok":true,"server":"vsphere"}\n{"jsonrpc":"2.0","id":1,"result":{}}\n');
  });

  it('skips an 11 MiB line without buffering it, and the next message still arrives', async () => {
    const { a, b, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const right = observe(b);
    await right.transport.start();
    let maxBuffered = 0;
    // Registered after the transport's own listener, so it samples right after each push.
    b.on('data', () => { maxBuffered = Math.max(maxBuffered, right.transport.bufferedBytes); });
    const huge = Buffer.alloc(11 * 1024 * 1024, 0x61);
    a.write(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"x","params":{"s":"'));
    a.write(huge);
    a.write('"}}\n' + JSON.stringify(request(2)) + '\n');
    await until(() => right.messages.length === 1);
    assert.deepEqual(right.messages, [request(2)]);
    assert.deepEqual(right.invalid, ['too-long']);
    assert.ok(maxBuffered > 0 && maxBuffered <= MAX_MCP_LINE_BYTES, `buffered at most ${maxBuffered} bytes, cap ${MAX_MCP_LINE_BYTES}`);
    assert.equal(right.transport.bufferedBytes, 0);
  });

  it('drops and reports lines that are not JSON or not JSON-RPC, and goes on', async () => {
    const { a, b, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const right = observe(b);
    await right.transport.start();
    a.write('not json\n');
    a.write('{"foo":1}\n');
    a.write('[1,2]\n');
    a.write('{"jsonrpc":"1.0","id":1,"method":"x"}\n');
    a.write('{"jsonrpc":"2.0","id":{"no":1},"method":"x"}\n');
    a.write(JSON.stringify(request(7)) + '\n');
    await until(() => right.messages.length === 1);
    assert.deepEqual(right.messages, [request(7)]);
    assert.deepEqual(right.invalid, ['invalid-json', 'invalid-message', 'invalid-message', 'invalid-message', 'invalid-message']);
  });

  it('keeps the connection when a message handler throws, and reports it as an error', async () => {
    const { a, b, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const right = observe(b);
    let calls = 0;
    right.transport.onmessage = () => { calls++; if (calls === 1) throw new Error('handler bug'); };
    await right.transport.start();
    a.write(JSON.stringify(request(1)) + '\n' + JSON.stringify(request(2)) + '\n');
    await until(() => calls === 2);
    assert.deepEqual(right.errors.map((e) => e.message), ['handler bug']);
  });

  it('waits for drain when the peer does not read, then completes', async () => {
    const { a, b, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const left = observe(a);
    await left.transport.start();
    b.pause();
    const big = { jsonrpc: '2.0' as const, id: 1, result: { blob: 'x'.repeat(1024 * 1024) } };
    let settled = 0;
    const sends = [1, 2, 3, 4].map(() => left.transport.send(big).then(() => settled++));
    await tick();
    assert.equal(a.writableNeedDrain, true);
    assert.ok(settled < sends.length, 'some send must wait while the peer is not reading');
    let received = 0;
    b.on('data', (d: Buffer) => { received += d.length; });
    b.resume();
    await Promise.all(sends);
    await until(() => received >= 4 * (JSON.stringify(big).length + 1));
    assert.equal(settled, 4);
  });

  it('close() ends the connection, fires onclose once, and later sends reject', async () => {
    const { a, b, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const left = observe(a);
    await left.transport.start();
    const peerEnded = new Promise((r) => b.once('end', r));
    b.on('end', () => b.end());
    await Promise.all([left.transport.close(), left.transport.close()]);
    await peerEnded;
    assert.equal(left.closes(), 1);
    await assert.rejects(left.transport.send(request(1)), /connection is closed/);
  });

  it('fires onclose once when the peer goes away', async () => {
    const { a, b, cleanup } = await socketPair();
    cleanups.push(cleanup);
    const right = observe(b);
    await right.transport.start();
    a.destroy();
    await until(() => right.closes() > 0);
    await right.transport.close();
    await tick();
    assert.equal(right.closes(), 1);
  });

  it('never throws on random bytes, delivers only valid JSON-RPC and stays within the cap', async () => {
    const CAP = 256;
    const valid = Buffer.from(JSON.stringify(request(1)) + '\n');
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.constant(Buffer.from('\n')),
      fc.constant(valid),
      fc.string({ maxLength: 80 }).map((s) => Buffer.from(s)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { maxLength: 30 }), async (chunks) => {
        const duplex = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
        const seen = observe(duplex, { maxLineBytes: CAP });
        await seen.transport.start();
        for (const c of chunks) {
          duplex.push(c);
          await tick();
          assert.ok(seen.transport.bufferedBytes <= CAP, 'the transport never buffers more than CAP bytes');
        }
        duplex.push(null);
        await tick();
        for (const m of seen.messages) assert.ok(JSONRPCMessageSchema.safeParse(m).success, 'every message delivered is valid JSON-RPC');
        assert.deepEqual(seen.errors, []);
        duplex.destroy();
      }),
      { numRuns: 150 },
    );
  });
});
