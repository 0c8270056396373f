// D7-redteam: a same-user process that can write config.json (not read the keychain) adds a
// server whose command is long or made to hide its module, and wants the unlock prompt either
// unlistable (`keybroker approvals` broken for every prompt) or not to show what it runs.
// Real parts: Config's schema, serverSpecs and serverCommand as the host builds the command,
// the real Broker (Consent, UnlockCache) with the headless PendingApprovals, the real
// ControlServer and ControlClient over a Unix socket (what `keybroker approvals` uses), and the
// CLI's own formatting of the prompt; the upstream login is the one fake (no P6 server runs).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config } from '../../src/base/contracts/config.js';
import type { ControlResult } from '../../src/base/contracts/control-protocol.js';
import { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { Broker } from '../../src/platform/broker/broker.js';
import type { ChildLink } from '../../src/platform/broker/child-link.js';
import type { Keychain } from '../../src/platform/keychain/keychain.js';
import { boundItem } from '../../src/platform/keychain/password-envelope.js';
import { ControlClient } from '../../src/platform/control/control-client.js';
import { ControlServer } from '../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { serverSpecs } from '../../src/platform/host/server-specs.js';
import { serverCommand } from '../../src/platform/supervisor/server-spec.js';
import { AuditLog } from '../../src/platform/audit/audit-log.js';
import { readAudit } from '../support/audit-file.js';
import type { HostToChildBroker } from '../../src/base/contracts/token-protocol.js';
import { configServerLine, describePlan } from '../../src/cli/format/describe-approval.js';
import { FakeControlHandler } from '../mocks/fake-control-handler.js';
import { FakeUpstreamLogin } from '../mocks/fake-upstream-login.js';
import { ManualClock } from '../mocks/manual-clock.js';
import { PASSWORD, testConfig } from '../platform/broker/broker-harness.js';

/** config.json as the writer leaves it: testConfig's endpoints, and one server of its own. */
function tampered(server: { module: string; execArgv?: string[] }): unknown {
  return { ...JSON.parse(JSON.stringify(testConfig())), servers: [{ name: 'p6-extra', kind: 'p6', ...server }] };
}

/** A module path of `length` characters, in directories of 200 (each a legal file name). */
function longModule(length: number, tail = '/evil.cjs'): string {
  let dir = '/tmp/kb-attacker';
  while (dir.length + 201 + tail.length <= length) dir += `/${'d'.repeat(200)}`;
  return `${dir}/${'e'.repeat(length - dir.length - tail.length - 1)}${tail}`;
}

describe('a config.json server\'s command and its unlock prompt (D7-redteam)', () => {
  let home: string;
  let server: ControlServer | undefined;
  let client: ControlClient | undefined;
  let broker: Broker | undefined;
  let pending: PendingApprovals | undefined;
  let audit: AuditLog | undefined;
  /** What the config server's link received: its request's answer ends the prompt's records. */
  let frames: HostToChildBroker[] = [];
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cmd-'));
  });
  afterEach(async () => {
    client?.dispose();
    await server?.close();
    broker?.dispose();
    // The withdrawn prompt is audited, and its request answered, after the dispose: wait for it.
    while (broker && !frames.some((f) => f.t === 'token.deny')) await new Promise((r) => setImmediate(r));
    pending?.dispose();
    audit?.dispose();
    audit = undefined;
    client = undefined;
    server = undefined;
    broker = undefined;
    pending = undefined;
    fs.rmSync(home, { recursive: true, force: true });
  });

  /**
   * What the host does with `config`: the config server's command as serverSpecs and
   * serverCommand build it, its first token request through the real Broker, and the pending
   * prompts as `keybroker approvals` asks for them (the real control socket).
   */
  async function promptOf(config: Config): Promise<{ listed: ControlResult<'approvals.list'> | Error; command: string; pendingNow: number }> {
    const spec = serverSpecs(config, path.join(home, 'no-dist')).find((s) => s.fromConfig);
    assert.ok(spec, 'the config.json server has a spec');
    const command = serverCommand(spec);
    pending = new PendingApprovals();
    const store = new Map([['endpoint:pm', boundItem(PASSWORD, config, 'endpoint:pm')]]);
    const keychain: Keychain = { get: async (a) => store.get(a), set: async (a, s) => void store.set(a, s), delete: async (a) => store.delete(a) };
    audit = new AuditLog({ home, settings: { maxBytes: 1024 * 1024, keep: 1 }, secrets: () => [PASSWORD] });
    const log = audit;
    broker = new Broker({
      config: () => config, keychain, logins: { vsphere: new FakeUpstreamLogin(PASSWORD), p6: new FakeUpstreamLogin(PASSWORD) },
      approver: pending, newApprovalId: () => pending!.newId(), clock: new ManualClock(), audit: { append: (r) => void log.append(r) },
    });
    frames = [];
    const link: ChildLink = { id: 'p6-extra#1', kind: 'p6', server: spec.name, pid: 4242, fromConfig: { command, codeSha256: 'a'.repeat(64) }, send: (f) => void frames.push(f) };
    const shown = new Promise<void>((resolve) => pending!.onDidChange(() => resolve()));
    broker.attachChild(link).accept({ ch: 'broker', t: 'token.request', id: 'a', endpoint: 'pm' });
    await shown;
    const handler = new FakeControlHandler();
    handler.approvals = pending.list();
    server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
    client = await ControlClient.connect(home, { socketPath: controlSocketPath(home, {}) });
    const listed = await client.call('approvals.list').catch((e: unknown) => e as Error);
    return { listed, command, pendingNow: pending.list().length };
  }

  it('a server whose command is too long for an approval is refused by config.json\'s schema, so its prompt can never break `keybroker approvals`', async () => {
    for (const length of [5000, 20_000]) {
      const parsed = Config.safeParse(tampered({ module: longModule(length) }));
      if (parsed.success) {
        // Before: taken, and its unlock prompt (a command of `length` characters) made every
        // `approvals.list` answer an internal error: no pending approval could be listed.
        const { listed, pendingNow } = await promptOf(parsed.data);
        assert.equal(pendingNow, 1, 'its prompt is pending');
        assert.ok(Array.isArray(listed) && listed.length === 1, `keybroker approvals lists the pending prompt of a ${length}-character command, not: ${String(listed)}`);
        continue;
      }
      const issue = parsed.error.issues[0]!;
      assert.deepEqual(issue.path, ['servers', 0, 'module'], 'the bad field is named');
      assert.match(issue.message, /at most \d+ characters/, 'and what to do');
    }
  });

  it('the longest command config.json allows is listed, the CLI\'s lines name its module whole, and so does its audit record', async () => {
    const module = longModule(1024);
    // Eight node options of 200 characters each, what the schema allows, padded with spaces.
    const execArgv = Array.from({ length: 8 }, (_, i) => `--title=${' '.repeat(190)}${i}`);
    const config = Config.parse(tampered({ module, execArgv }));
    const { listed, command } = await promptOf(config);
    assert.ok(command.endsWith(module), 'the command ends with the module');
    assert.ok(Array.isArray(listed) && listed.length === 1, `the prompt is listed: ${String(listed)}`);
    const lines = describePlan(listed[0]!).join('\n');
    assert.ok(lines.includes('/evil.cjs) asks for pm\'s session'), `the line under the table names the module, not a cut command: ${lines.slice(0, 200)}…`);
    // The audit keeps 512 characters of a string, from its start: the module was never in the record.
    const requested = readAudit(home).find((r) => r.event === 'unlock.requested');
    assert.equal(requested?.server, 'p6-extra', 'the prompt is audited');
    assert.ok(requested.command?.startsWith('node --title=') && requested.command.endsWith(`${'e'.repeat(100)}/evil.cjs`), `its record keeps the command's start and its module: ${requested.command?.slice(-60)}`);
  });

  it('a command with newlines, terminal escapes and bidi characters is one inert line in the CLI and serve\'s log', () => {
    // What a config.json writer can put in execArgv or a module path (any character but NUL).
    const command = 'node --title=x\n0f0f0f0f  p6  approve me\x1b[2K\x1b[1A\u202egnp.cjs /tmp/a\rb/evil.cjs';
    const line = configServerLine('p6-extra', 'pm', command);
    assert.ok(!['\n', '\r', '\x1b', '\u202e'].some((c) => line.includes(c)), `no line break, escape or bidi control survives: ${JSON.stringify(line)}`);
    assert.ok(line.startsWith('p6-extra (from config.json, command node --title=x 0f0f0f0f') && line.endsWith("/evil.cjs) asks for pm's session"), `one line, the module last: ${line}`);
  });
});
