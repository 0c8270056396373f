// The MCP host end to end, as Claude Desktop uses it: `keybroker serve` started like from a
// shell, the SDK Client spawning the real `keybroker bridge` over stdio, the real gateway
// socket, a supervised test-server child, and approvals answered with the real CLI.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { freePort } from '../support/free-port.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { bridgeClient } from '../support/bridge-client.js';
import { waitForChild } from '../support/host-child.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/mcp-test-server.ts');
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

function writeConfig(home: string, opts: { readOnly?: boolean } = {}) {
  new ConfigStore(home).save(Config.parse({
    ...emptyConfig(),
    endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: opts.readOnly ?? false, tls: { verify: true }, credential: 'endpoint:vc1' }],
    credentials: [{ id: 'endpoint:vc1' }],
    policy: { approve: ['sneaky'] },
    servers: [{ name: 'test', kind: 'vsphere', module: FIXTURE, execArgv: ['--import', 'tsx'] }],
  }));
}

describe('MCP host: serve, bridge, gateway, supervised child', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let serve: ServeProcess;
  let ss: SecretService;
  const cli = (args: string[]) => runKeybroker(args, { env });
  const status = async () => JSON.parse((await cli(['status', '--json'])).stdout) as HostStatus;
  const { nextApproval } = cliApprovals(cli);

  before(async () => {
    ss = await startSecretService();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-mcp-'));
    env = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
    writeConfig(home);
    serve = await startServe(env);
    await waitForChild(cli, 'test');
  });
  after(async () => {
    await serve?.stop();
    await ss?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('gets a tool result through `keybroker bridge` against `keybroker serve`', async () => {
    const client = await bridgeClient(env, 'test');
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'echo'), 'the test server lists its echo tool');
    assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello' } })), 'hello');
    await client.close();
  });

  it('`keybroker call` makes one call through the gateway', async () => {
    const r = await cli(['call', 'test', 'echo', '--args', '{"text":"from the cli"}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'from the cli');
    const bad = await cli(['call', 'test', 'echo', '--args', '[1]']);
    assert.equal(bad.code, 2);
  });

  it('holds a destructive call until `keybroker approve`, and `deny` never reaches the child', async () => {
    const client = await bridgeClient(env, 'test');
    const held = client.callTool({ name: 'destroy', arguments: { target: 'vm-7', endpoint: 'vc1' } });
    const a = await nextApproval();
    assert.deepEqual([a.client, a.server, a.endpoint], ['claude-ai', 'test', 'vc1']);
    assert.ok(a.subject.kind === 'tool' && a.subject.tool === 'destroy' && a.subject.argsPreview.includes('vm-7'), 'the approval is for the destroy tool and shows its argument vm-7');
    assert.equal((await cli(['approve', a.id, '--once'])).code, 0);
    assert.equal(textOf(await held), 'destroyed vm-7');

    const before = JSON.parse(textOf(await client.callTool({ name: 'counts', arguments: {} }))) as Record<string, number>;
    const denied = client.callTool({ name: 'destroy', arguments: { target: 'vm-8', endpoint: 'vc1' } });
    assert.equal((await cli(['deny', (await nextApproval()).id])).code, 0);
    const r = (await denied) as CallToolResult;
    assert.equal(r.isError, true);
    assert.equal(textOf(r), 'denied by the user');
    const afterCounts = JSON.parse(textOf(await client.callTool({ name: 'counts', arguments: {} }))) as Record<string, number>;
    assert.equal(afterCounts['destroy'], before['destroy']);

    // A tool that claims read-only but is listed in policy.approve still asks.
    const sneaky = client.callTool({ name: 'sneaky', arguments: {} });
    const s = await nextApproval();
    assert.ok(s.subject.kind === 'tool' && s.subject.tool === 'sneaky', 'the approval is for the sneaky tool');
    await cli(['deny', s.id]);
    assert.equal(((await sneaky) as CallToolResult).isError, true);
    await client.close();
  });

  it('serves Streamable HTTP once `keybroker http enable` runs, only with the API key', async () => {
    const port = await freePort();
    const enable = await cli(['http', 'enable', '--port', String(port)]);
    assert.equal(enable.code, 0, enable.stderr);
    const key = enable.stdout.split('\n').map((l) => l.trim()).find((l) => l.startsWith('kb_'));
    assert.ok(key, 'the key is printed once');
    assert.ok(!fs.readFileSync(path.join(home, 'config.json'), 'utf8').includes(key), 'the API key is not written into config.json');
    const url = new URL(`http://127.0.0.1:${port}/mcp/test`);
    const noKey = await waitFor('the HTTP door', async () => {
      try { return (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status; } catch { return undefined; }
    });
    assert.equal(noKey, 401);
    const client = new Client({ name: 'http-client', version: '1.0.0' }, { capabilities: {} });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'x-api-key': key } } }));
    assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'over http' } })), 'over http');
    await client.close();
    assert.ok(!fs.readFileSync(path.join(home, 'audit.log'), 'utf8').includes(key), 'the key never reaches the audit log');
  });

  it('50 concurrent clients × 200 calls: no errors, and every answer reaches its own client', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => bridgeClient(env, 'test', `client-${i}`)));
    let errors = 0;
    let misrouted = 0;
    // The 50 bridges share one parent (this process), so they are one client (D200), and one
    // client has at most 16 calls at the child and 256 waiting (D212): 5 at a time per bridge
    // (250 at once) stays within that, so every call runs. Past it, calls are refused on purpose:
    // gateway-fair-share.test.ts and http-queue-flood.test.ts test that.
    const AT_ONCE = 5;
    await Promise.all(clients.map(async (c, i) => {
      for (let j = 0; j < 200; j += AT_ONCE) {
        await Promise.all(Array.from({ length: AT_ONCE }, async (_, k) => {
          const want = `${i}/${j + k}`;
          try {
            if (textOf(await c.callTool({ name: 'echo', arguments: { text: want } })) !== want) misrouted++;
          } catch {
            errors++;
          }
        }));
      }
    }));
    await Promise.all(clients.map((c) => c.close()));
    assert.deepEqual({ errors, misrouted }, { errors: 0, misrouted: 0 });
  });

  it('a crash mid-call errors at once, the child restarts, the next call works, and status counts the restart', async () => {
    const client = await bridgeClient(env, 'test');
    const before = (await status()).children.find((c) => c.name === 'test')!.restarts;
    // The crash is reported as an error instead of hanging; how fast (issue 4: ≤ 1 s) is
    // measured by bench/host-reactions, not asserted on a shared machine.
    const r = (await client.callTool({ name: 'crash', arguments: {} })) as CallToolResult;
    assert.equal(r.isError, true);
    assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'back' } })), 'back');
    const child = (await status()).children.find((c) => c.name === 'test')!;
    assert.equal(child.restarts, before + 1);
    assert.equal(child.state, 'running');
    await client.close();
  });

  it('when the host dies mid-session the bridge answers with an MCP error and exits', async () => {
    const client = await bridgeClient(env, 'test');
    assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'x' } })), 'x');
    let closed = false;
    client.onclose = () => { closed = true; };
    // Mid-session: the call is running once its first progress notification arrives.
    let running!: () => void;
    const started = new Promise<void>((r) => (running = r));
    const pending = client.callTool({ name: 'slow', arguments: { steps: 100, delayMs: 50 } }, undefined, { onprogress: () => running() });
    await started;
    serve.proc.kill('SIGKILL');
    await assert.rejects(pending, 'the call in flight fails when the host is killed');
    // The bridge answers and exits (no hang); how fast (issue 4: ≤ 2 s) is bench/host-reactions'.
    await waitFor('bridge exit', () => (closed ? true : undefined));
    await serve.exited;
    // Bring the host back for any later test, reusing the stale lock and sockets.
    serve = await startServe(env);
  });
});
