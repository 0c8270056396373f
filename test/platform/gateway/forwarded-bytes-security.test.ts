// Issue 17 item 3: the host writes a child's tools/call result to the client as the child's own
// bytes (forwarded-result-bytes.ts, json-rpc-line.ts). The child is untrusted, so this runs the
// real compromised-child fixture (test/fixtures/compromised-child.mjs, `--mcp`: it answers a
// call with exactly the bytes the test gives it) behind a real Gateway, a real child process
// and channel, and the real socket transport, and reads what the client receives as raw lines.
// Whatever the child writes, the client must receive exactly one answer per call, with the
// client's id and only `jsonrpc`, `id` and `result`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MAX_CHANNEL_JSON_VALUES } from '../../../src/base/contracts/child-channel.js';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { systemClock } from '../../../src/platform/ports/clock.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { Gateway } from '../../../src/platform/gateway/gateway.js';
import { JsonLineTransport } from '../../../src/platform/gateway/json-line-transport.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { until } from '../../support/wait.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/compromised-child.mjs');
const SPEC: ServerSpec = { name: 'evil', kind: 'vsphere', modulePath: FIXTURE, args: ['--mcp'] };
/** The id the client gives its call; the host's id towards the child is its own, smaller one. */
const CALL_ID = 7007;

/** A client on a real Unix socket, speaking raw JSON lines to the gateway's socket transport. */
async function rawClient(gateway: Gateway, calls: () => number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-fwd-'));
  const server = net.createServer();
  const socketPath = path.join(dir, 's.sock');
  await new Promise<void>((r) => server.listen(socketPath, r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const socket = net.connect(socketPath);
  await new Promise((r) => socket.once('connect', r));
  const hostSide = await accepted;
  server.close();
  // Every result line spliced when it can be, small ones too (the host's default starts at 64 KiB).
  const session = await gateway.openSession({ server: 'evil', clientLabel: 'raw', via: 'cli', transport: new JsonLineTransport(hostSide, { spliceFromBytes: 0 }) });
  let received = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  /** Every complete line received so far, as text (raw bytes, no newline). */
  const lines = () => received.toString('utf8').split('\n').slice(0, -1);
  const send = (m: unknown) => socket.write(`${JSON.stringify(m)}\n`);
  /** Send a request and wait for a line that parses to its answer. */
  const answerTo = async (id: number) => {
    const has = () => lines().some((l) => { try { return (JSON.parse(l) as { id?: unknown }).id === id; } catch { return false; } });
    await until(`the answer to request ${id}`, has);
  };
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  await answerTo(1);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  let nextPing = 100;
  /**
   * Call evil_answer with `raw`; once the gateway audited the call (its answer is written a
   * microtask later), a ping: the ping's answer comes after everything the host wrote for the
   * call (one socket, in order), so the lines between are all of the call's, whatever they are.
   */
  const call = async (raw: string): Promise<string[]> => {
    const start = lines().length;
    const audited = calls();
    send({ jsonrpc: '2.0', id: CALL_ID, method: 'tools/call', params: { name: 'evil_answer', arguments: { raw } } });
    await until('the call to be audited', () => calls() > audited);
    const ping = nextPing++;
    send({ jsonrpc: '2.0', id: ping, method: 'ping' });
    await answerTo(ping);
    const all = lines();
    received = Buffer.from(all.slice(0, start).map((l) => `${l}\n`).join(''));
    return all.slice(start, -1);
  };
  const close = async () => {
    socket.destroy();
    await session.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { call, close };
}

/** The one answer of a call, checked: a single line, the client's id, only the envelope keys. */
function theAnswer(lines: string[]): { line: string; result: Record<string, unknown> } {
  assert.equal(lines.length, 1, `exactly one message for the call, got ${JSON.stringify(lines)}`);
  const line = lines[0]!;
  assert.ok(!line.includes('\r'), 'no CR inside the line');
  const message = JSON.parse(line) as Record<string, unknown>;
  assert.deepEqual(Object.keys(message).sort(), ['id', 'jsonrpc', 'result'], line.slice(0, 300));
  assert.equal(message['id'], CALL_ID, "the client's id, never another");
  assert.equal(message['jsonrpc'], '2.0');
  return { line, result: message['result'] as Record<string, unknown> };
}

/** A frame the way our children write a response (`{result, jsonrpc, id}`), with the result bytes as given. */
const resultFirst = (result: string) => `{"ch":"mcp","msg":{"result":${result},"jsonrpc":"2.0","id":$ID}}\n`;
/** The same, id first. */
const idFirst = (result: string) => `{"ch":"mcp","msg":{"jsonrpc":"2.0","id":$ID,"result":${result}}}\n`;

describe("forwarding a child's result bytes (issue 17 item 3): what a compromised child can write", () => {
  let gateway: Gateway;
  let pending: PendingApprovals;
  let handle: ChildProcessHandle;
  let client: Awaited<ReturnType<typeof rawClient>>;
  const audit: AuditInput[] = [];

  before(async () => {
    pending = new PendingApprovals();
    gateway = new Gateway({ config: () => Config.parse(emptyConfig()), approver: pending, newApprovalId: () => pending.newId(), audit: { append: (r) => void audit.push(r) }, clock: systemClock });
    gateway.addServer(SPEC);
    handle = new ChildProcessHandle(new NodeLauncher(), { ...SPEC, env: buildChildEnv(process.env) }, () => undefined);
    const sink = gateway.attachChild(SPEC, handle);
    handle.onDidMessage((m) => { if ((m as { ch?: string }).ch === 'mcp') sink(m); });
    handle.start();
    client = await rawClient(gateway, () => audit.filter((r) => r.event === 'tool.called').length);
  });

  after(async () => {
    await client.close();
    gateway.dispose();
    pending.dispose();
    await handle.stop({ graceMs: 1000 });
  });

  it('an honest result goes to the client as the bytes the child wrote, in both frame forms', async () => {
    // Spacing JSON.stringify never writes: seeing it at the client shows the bytes were forwarded.
    const bytes = '{ "content" : [ {"type":"text","text":"spaced \\"out\\" \\u00e9 \\\\"} ],"structuredContent":{"n":[1,2.5,-3,{"x":null}]} }';
    for (const form of [resultFirst, idFirst]) {
      const { line, result } = theAnswer(await client.call(form(bytes)));
      assert.equal(line, `{"jsonrpc":"2.0","id":${CALL_ID},"result":${bytes}}`);
      assert.deepEqual(result, JSON.parse(bytes));
    }
  });

  it('a result that tries to close itself and add an id (duplicate keys after it) does not change the id', async () => {
    // The host's parse keeps the last `result` and the last `id` (its own request's), so the
    // call resolves with the second object; the bytes between would add `"id":99` at the client.
    const { line, result } = theAnswer(await client.call(resultFirst('{"content":[]},"id":99,"result":{"content":[{"type":"text","text":"second"}]}')));
    assert.deepEqual(result, { content: [{ type: 'text', text: 'second' }] });
    assert.ok(!line.includes('99'), line);
  });

  it('the same on a line long enough for the channel to scan it while reading (the scan the host then reuses)', async () => {
    // Lines from 2 × MAX_CHANNEL_JSON_VALUES bytes on are scanned once by the channel; the
    // gateway reads that scan instead of scanning again (child-channel.ts scanJsonLine).
    const pad = `"pad":"${'x'.repeat(2 * MAX_CHANNEL_JSON_VALUES)}"`;
    const honest = `{"content":[{"type":"text","text":"big"}], ${pad}}`;
    assert.equal(theAnswer(await client.call(resultFirst(honest))).line, `{"jsonrpc":"2.0","id":${CALL_ID},"result":${honest}}`);
    const { line, result } = theAnswer(await client.call(resultFirst(`{"content":[],${pad}},"id":99,"result":{"content":[{"type":"text","text":"second"}]}`)));
    assert.deepEqual(result, { content: [{ type: 'text', text: 'second' }] });
    assert.ok(!line.includes('99'), line.slice(0, 200));
    const { result: inner } = theAnswer(await client.call(resultFirst(`{"content":[],${pad}}},"error":{"code":-1,"message":"evil"},"msg":{"result":{"content":[{"type":"text","text":"inner"}]}`)));
    assert.deepEqual(inner, { content: [{ type: 'text', text: 'inner' }] });
    const { line: crLine } = theAnswer(await client.call(idFirst(`{"content":[],\r${pad}}`)));
    assert.ok(crLine.startsWith(`{"jsonrpc":"2.0","id":${CALL_ID},"result":{"content":[],"pad":`), 're-encoded');
  });

  it('a result that closes the frame and adds an `error` and a second `msg` does not reach the client as written', async () => {
    const { result } = theAnswer(await client.call(resultFirst('{"content":[]}},"error":{"code":-1,"message":"evil"},"msg":{"result":{"content":[{"type":"text","text":"inner"}]}')));
    assert.deepEqual(result, { content: [{ type: 'text', text: 'inner' }] });
  });

  it('a CR between tokens (where some clients split lines) is not forwarded; the result is re-encoded', async () => {
    const { line, result } = theAnswer(await client.call(idFirst('{"content":[],\r"isError":false,"x":"a\\nb\\r\\u000a"}')));
    assert.deepEqual(result, { content: [], isError: false, x: 'a\nb\r\n' });
    assert.equal(line, JSON.stringify({ jsonrpc: '2.0', id: CALL_ID, result }));
  });

  it('a second answer to the same call, in the same write, is not a second message to the client', async () => {
    const lines = await client.call(`${idFirst('{"content":[{"type":"text","text":"first"}]}')}${idFirst('{"content":[{"type":"text","text":"second"}]}')}`);
    assert.deepEqual(theAnswer(lines).result, { content: [{ type: 'text', text: 'first' }] });
  });

  it('a result the gateway refuses is answered with its own refusal, never with the bytes the child sent', async () => {
    // `content` must be an array (ForwardedCallResult): the gateway answers with its own result object.
    const { result } = theAnswer(await client.call(idFirst('{"content":"not an array","structuredContent":{"evil":true}}')));
    assert.equal(result['isError'], true);
    assert.match(JSON.stringify(result['content']), /evil server failed during evil_answer/);
    assert.equal(result['structuredContent'], undefined);
  });

  it('numbers the encoder would write differently (an exponent, minus zero, past Number.MAX_VALUE) are re-encoded', async () => {
    const { line, result } = theAnswer(await client.call(idFirst(`{"content":[],"a":1e2,"b":-0,"c":-0.0,"d":${'9'.repeat(400)}}`)));
    assert.equal(line, JSON.stringify({ jsonrpc: '2.0', id: CALL_ID, result: { content: [], a: 100, b: -0, c: -0, d: Infinity } }));
    assert.deepEqual(result, { content: [], a: 100, b: 0, c: 0, d: null });
  });
});
