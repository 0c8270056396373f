// `keybroker status` as a user runs it: its own bundle, dist/cli/status.cjs, which
// dist/cli/index.js runs for `status` through V8's code cache (src/cli/status-loader.ts;
// issue 17 item 6, docs/PERFORMANCE.md §1 round 3).
// The in-process tests (status.test.ts) drive runCli; these run the built process, through
// bin/keybroker.js and through dist/cli/index.js (what the desktop app's CLI tool runs), so
// the bundle's config.json check, its control-reply check and its error lines are the real ones.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HostStatus } from '../../src/base/contracts/broker-status.js';
import { ControlServer } from '../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../mocks/fake-control-handler.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { KEYBROKER_BIN, runKeybroker } from '../support/keybroker-cli.js';
import { runIn } from './harness.js';

const DIST_INDEX = path.join(path.dirname(KEYBROKER_BIN), '..', 'dist', 'cli', 'index.js');

describe('keybroker status, the built status bundle', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-stb-'));
    env = { ...process.env, KEYBROKER_HOME: home };
    const r = await runIn(home, ['endpoint', 'add', 'vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--no-verify', '--password-stdin'], { stdin: 'pw', keychain: new MemoryKeychain() });
    assert.equal(r.code, 0, r.stderr);
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('is a file of its own beside index.js, with the code cache the build made for it', () => {
    const dir = path.dirname(DIST_INDEX);
    for (const file of ['status-loader.js', 'status.cjs', 'status.v8cache']) assert.ok(fs.statSync(path.join(dir, file)).isFile(), file);
    const id = /^\/\/ keybroker-status-build ([0-9a-f]{32})\n/.exec(fs.readFileSync(path.join(dir, 'status.cjs'), 'utf8'))?.[1];
    assert.ok(id, 'status.cjs starts with its keybroker-status-build id line');
    assert.equal(fs.readFileSync(path.join(dir, 'status.v8cache')).toString('latin1', 0, 32), id);
  });

  for (const [label, command] of [['bin/keybroker.js', [KEYBROKER_BIN]], ['dist/cli/index.js', [DIST_INDEX]]] as const) {
    it(`without a host, via ${label}: config.json's endpoints, every one locked, exit 0`, async () => {
      const r = await runKeybroker(['status'], { env, command });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /KeyBroker is not running; .*start it with 'keybroker serve'/);
      assert.match(r.stdout, /^vc1 +vsphere +endpoint:vc1 +locked +-$/m);
    });
  }

  it('an invalid config.json is one line naming the field, exit 1 (the schema is checked)', async () => {
    fs.writeFileSync(path.join(home, 'config.json'), '{"version":1,"endpoints":[{"id":"x"}]}', { mode: 0o600 });
    const r = await runKeybroker(['status', '--json'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^keybroker status: .*config\.json: endpoints\[0\][^\n]*\n$/);
  });

  it('a usage error is exit 2 with the usage line', async () => {
    const r = await runKeybroker(['status', '--yaml'], { env });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "keybroker status: Unknown option '--yaml'; usage: keybroker status [--json]\n");
  });

  it("with a host: the host's status over the control socket, exit 0", async () => {
    const handler = new FakeControlHandler();
    handler.statusValue = {
      host: { running: true, pid: 4242, home },
      endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', credential: 'endpoint:vc1', readOnly: false, lock: 'once' }],
      children: [],
      pendingApprovals: 1,
    };
    const server = await ControlServer.listen({ socketPath: controlSocketPath(home, env), handler });
    try {
      const r = await runKeybroker(['status', '--json'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(HostStatus.parse(JSON.parse(r.stdout)), handler.statusValue);
    } finally {
      await server.close();
    }
  });

  it("Security: a host answer that breaks the status contract is refused, not printed (the reply is checked)", async () => {
    // A raw socket, not ControlServer (which refuses to send a result that breaks the
    // contract): it answers every request line with a status carrying a terminal escape in
    // an unexpected field.
    const socketPath = controlSocketPath(home, env);
    const server = net.createServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (line: string) => {
        const { id } = JSON.parse(line.split('\n')[0]!) as { id: number };
        const result = { host: { running: true, home, banner: '\u001b]0;pwned\u0007' }, endpoints: [], children: [], pendingApprovals: 0 };
        socket.write(JSON.stringify({ id, ok: true, result }) + '\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const r = await runKeybroker(['status'], { env });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^keybroker status: KeyBroker's answer to status breaks the contract at host[^\n]*\n$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
