// `keybroker restart`, `keybroker tools` and `keybroker call` against an in-process host that
// supervises a real child (issue 16): a crash-looped server comes back with unlocks intact,
// tools are listed with their annotations, typos get "did you mean", errors print once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Host } from '../../src/platform/host/host.js';
import { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { P6UpstreamLogin } from '../../src/platform/broker/logins/p6-upstream-login.js';
import { VsphereUpstreamLogin } from '../../src/platform/broker/logins/vsphere-upstream-login.js';
import { NodeLauncher } from '../../src/platform/supervisor/node-launcher.js';
import { noSandbox } from '../../src/platform/supervisor/sandbox/sandbox.js';
import { startP6Fake, type P6Fake } from '../fixtures/p6/start-p6-fake.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { waitFor } from '../support/keybroker-cli.js';
import { startTokenChild } from '../support/token-child.js';
import { runIn } from './harness.js';

const FLAKY = path.resolve(import.meta.dirname, '../fixtures/flaky-server.ts');
const PASSWORD = 'restart-test-pass';

describe('keybroker restart / tools / call with a supervised child', () => {
  let fake: P6Fake;
  let base: string;
  let home: string;
  let marker: string;
  let keychain: MemoryKeychain;
  let pending: PendingApprovals;
  let host: Host;
  const cli = (argv: string[]) => runIn(home, argv, { keychain });
  const child = () => host.supervisor.status().find((c) => c.name === 'flaky');

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'planner', password: PASSWORD }], databases: ['PMDB'], tls: true });
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-restart-'));
    home = path.join(base, 'home');
    marker = path.join(base, 'crash');
    fs.writeFileSync(marker, '');
    keychain = new MemoryKeychain();
    const add = await runIn(home, ['endpoint', 'add', 'p6', 'pm', '--url', fake.url, '--user', 'planner', '--database', 'PMDB', '--ca', fake.caFile!, '--password-stdin'], { stdin: PASSWORD, keychain });
    assert.equal(add.code, 0, add.stderr);
    pending = new PendingApprovals();
    host = await Host.start({
      home, keychain, approver: pending, pending,
      logins: { vsphere: new VsphereUpstreamLogin(), p6: new P6UpstreamLogin() },
      servers: [{ name: 'flaky', kind: 'p6', modulePath: FLAKY, args: [marker], execArgv: ['--import', 'tsx'] }],
      // The crash switch is a file in the host's /tmp, which a sandboxed child cannot see; this
      // test is about restart semantics, containment has its own (compromised-child.test.ts).
      launcher: new NodeLauncher({ sandbox: noSandbox('restart test: the crash marker lives in the host /tmp') }),
    });
    // Children start on demand (D77): a first use starts flaky, which then crash-loops as an
    // always-on one did from the host's start. (A start that crashes is the supervisor's to retry.)
    await host.supervisor.wake('flaky').catch(() => undefined);
  });
  after(async () => {
    await host?.stop();
    pending?.dispose();
    await fake?.stop();
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it('restart revives a crash-looped server and keeps the unlocks', async () => {
    // An unlock made while the server crash-loops.
    const tokens = await startTokenChild(host, 'p6');
    try {
      const asked = tokens.token('pm');
      const a = await waitFor('unlock approval', () => pending.list()[0]);
      pending.decide(a.id, 'allow-ttl');
      assert.ok((await asked).ok, 'the token is given once the unlock is allowed');
    } finally {
      await tokens.stop();
    }
    await waitFor('flaky gives up (crash loop)', () => (child()?.state === 'failed' ? true : undefined), 60_000);
    let r = await cli(['call', 'flaky', 'echo', '--args', '{"text":"hi"}']);
    assert.equal(r.code, 1);

    fs.rmSync(marker);
    r = await cli(['restart', 'flaky']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^restarted flaky \(pid \d+\); state (starting|running); unlocks kept\n$/);
    await waitFor('flaky running', () => (child()?.state === 'running' ? true : undefined), 30_000);

    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { endpoints: Array<{ id: string; lock: string }> };
    assert.equal(status.endpoints.find((e) => e.id === 'pm')?.lock, 'unlocked');
    r = await waitFor('echo answers', async () => {
      const x = await cli(['call', 'flaky', 'echo', '--args', '{"text":"hi"}']);
      return x.code === 0 ? x : undefined;
    }, 30_000);
    assert.equal(r.stdout, 'hi\n');
  });

  it('restart of an unknown server is a usage error naming the nearest one', async () => {
    const r = await cli(['restart', 'flakey']);
    assert.deepEqual([r.code, r.stderr], [2, 'keybroker restart: no server named "flakey"; did you mean "flaky"?\n']);
  });

  it('tools lists every tool with its annotations, and --json the MCP objects', async () => {
    let r = await cli(['tools', 'flaky']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^TOOL\s+ANNOTATIONS\s+DESCRIPTION$/);
    assert.ok(lines.some((l) => /^echo\s+read-only, idempotent, closed-world\s+Echo text back$/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^destroy\s+writes, destructive\s+Pretend to destroy something$/.test(l)), r.stdout);
    r = await cli(['tools', 'flaky', '--json']);
    const tools = JSON.parse(r.stdout) as Array<{ name: string; annotations?: { readOnlyHint?: boolean }; inputSchema: unknown }>;
    assert.equal(tools.find((t) => t.name === 'echo')?.annotations?.readOnlyHint, true);
    assert.ok(tools.every((t) => typeof t.inputSchema === 'object'), 'every listed tool has an input schema object');
    r = await cli(['tools', 'flakky']);
    assert.deepEqual([r.code, r.stderr], [2, 'keybroker tools: no server named "flakky"; did you mean "flaky"?; usage: keybroker tools SERVER\n']);
  });

  it('call: an unknown tool gets "did you mean" and exit 2; a failing tool prints its error once, on stderr', async () => {
    let r = await cli(['call', 'flaky', 'ecko', '--args', '{"text":"x"}']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'keybroker call: flaky has no tool "ecko"; did you mean "echo"?\n']);
    r = await cli(['call', 'flaky', 'echo', '--args', '{"text":5}']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, r.stderr); // one line and its newline
    assert.match(r.stderr, /^keybroker call: echo failed: /);
  });

  it('unknown commands, sub-commands and options get "did you mean" and exit 2', async () => {
    let r = await cli(['restrat', 'flaky']);
    assert.deepEqual([r.code, r.stderr], [2, 'keybroker: unknown command "restrat"; did you mean "restart"?\n']);
    r = await cli(['endpoint', 'updat', 'pm']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did you mean "update"\?/);
    r = await cli(['status', '--jsn']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown option '--jsn'; did you mean "--json"\?/);
    r = await cli(['audit', '--folow']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did you mean "--follow"\?/);
    r = await cli(['xyzzy']);
    assert.deepEqual([r.code, r.stderr], [2, `keybroker: unknown command "xyzzy"; run 'keybroker help' for the list\n`]);
  });
});
