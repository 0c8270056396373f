// C7-firstuse, the reproduction (A7's open row): a process running as the user that can write
// `<home>/config.json` but cannot read the keychain adds a server of its own to `servers`, with
// the kind of a credential the person unlocked for the built-in server. Before, the host started
// it and handed it the endpoint's session with no prompt: the person had consented to an unlock
// for another requester. Real parts: `keybroker serve` on a home whose password the real CLI
// stored in the private Secret Service, the built `dist/mcp/p6` server as both the built-in
// `p6` and the config.json server `p6-extra` (any module would do: it is the attacker's), SDK
// clients through the real `keybroker bridge`, approvals listed and answered with the real CLI,
// and the P6 fake over TLS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { bridgeClient } from '../support/bridge-client.js';
import { startBridgedP6, type BridgedP6 } from '../support/bridged-p6.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { readAudit } from '../support/audit-file.js';
import { waitFor } from '../support/keybroker-cli.js';

const PASSWORD = 'Extra-Server:secret';
const BUILT_P6 = path.resolve(import.meta.dirname, '../../dist/mcp/p6');
/**
 * The config.json server's own copy of the built p6 server (its entry, bundle and code cache),
 * in a package folder of its own: D2-modulebytes rewrites its entry, which must not be the
 * built-in server's.
 */
const EXTRA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-extra-module-'));
for (const f of ['index.cjs', 'server.cjs', 'server.v8cache']) fs.copyFileSync(path.join(BUILT_P6, f), path.join(EXTRA_DIR, f));
fs.writeFileSync(path.join(EXTRA_DIR, 'package.json'), JSON.stringify({ name: 'p6-extra', private: true }));
const EXTRA_MODULE = path.join(EXTRA_DIR, 'index.cjs');
const HANG = { timeout: 150_000 };

describe('a server config.json added asks for a session of an unlocked credential (C7-firstuse)', () => {
  let world: BridgedP6 | undefined;
  let extra: Client | undefined;
  const cli = (args: string[]) => world!.cli(args);
  const { approvals } = cliApprovals((args) => world!.cli(args));
  const sessionInfo = (client: Client) => client.callTool({ name: 'p6_session_info', arguments: { endpoint: 'pm' } }, undefined, { timeout: 120_000 }) as Promise<CallToolResult>;
  /** The first of: a pending approval, or `call` settled with none ever pending. */
  const promptOrAnswer = async (call: Promise<CallToolResult>): Promise<ApprovalRequest | 'answered without a prompt'> => {
    let settled = false;
    void call.then(() => { settled = true; }, () => { settled = true; });
    return waitFor('a prompt or the answer', async () => (await approvals())[0] ?? (settled ? 'answered without a prompt' as const : undefined), 60_000);
  };

  before(async () => {
    world = await startBridgedP6({
      fake: { users: [{ username: 'planner', password: PASSWORD }] },
      homePrefix: 'kb-extra-consent-',
      endpoints: [{ name: 'pm', user: 'planner', password: PASSWORD, extra: ['--no-verify'] }],
      // The tamper, before serve starts: a server of its own in `servers`, of the kind p6.
      prepare: (_fake, home) => {
        const file = path.join(home, 'config.json');
        const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
        fs.writeFileSync(file, JSON.stringify({ ...config, servers: [{ name: 'p6-extra', kind: 'p6', module: EXTRA_MODULE }] }), { mode: 0o600 });
      },
      serve: { toolsListed: true },
    });
    extra = await bridgeClient(world.env, 'p6-extra');
  });
  after(async () => {
    await extra?.close();
    await world?.stop();
    fs.rmSync(EXTRA_DIR, { recursive: true, force: true });
  });

  it('the built-in server\'s unlock does not serve it: its first session raises a prompt naming it, and its grant is audited with its name', HANG, async () => {
    const { client, home } = world!;
    // The person allows pm for the built-in p6 server, as every day.
    const builtIn = sessionInfo(client);
    const unlock = await promptOrAnswer(builtIn);
    assert.ok(unlock !== 'answered without a prompt', 'a locked credential asks');
    assert.equal(unlock.server, 'p6', 'the prompt names the built-in server');
    assert.equal((await cli(['approve', unlock.id])).code, 0, 'allowed for the TTL');
    assert.equal((await builtIn).isError, undefined, 'the built-in server got its session');

    // The server config.json added asks while pm is unlocked.
    const asked = sessionInfo(extra!);
    const first = await promptOrAnswer(asked);
    // Before: 'answered without a prompt', the session of the person's unlock for p6.
    assert.ok(first !== 'answered without a prompt', 'the server config.json added got the session of an unlock the person allowed for another server, with no prompt');
    assert.equal(first.server, 'p6-extra', 'the prompt names the server that asks');
    assert.equal(first.subject.kind, 'unlock', 'an unlock prompt');
    assert.equal(first.subject.kind === 'unlock' && first.subject.fromConfig?.command, `node ${EXTRA_MODULE}`, 'with the command config.json runs it with');
    const listed = await cli(['approvals']);
    const named = new RegExp(`p6-extra \\(from config\\.json, command node ${EXTRA_MODULE.replace(/[.]/g, '\\.')}\\) asks for pm's session`);
    assert.match(listed.stdout, named, listed.stdout);
    assert.match(listed.stdout, new RegExp(`${first.id} .*config\\.json server: unlock endpoint:pm at`), 'the row says so too');
    await waitFor("serve's line about it", () => (named.test(world!.serve.stderr()) ? true : undefined), 30_000);
    assert.equal((await cli(['approve', first.id])).code, 0, 'the person allows it');
    const answer = await asked;
    assert.equal(answer.isError, undefined, 'served once allowed');

    // Allowed for the TTL: its next session of this unlock needs no new prompt.
    assert.equal((await sessionInfo(extra!)).isError, undefined, 'served again');
    assert.deepEqual(await approvals(), [], 'without a prompt');
    await waitFor('the grant record', () => readAudit(home).find((r) => r.event === 'token.granted' && r.server === 'p6-extra'), 30_000);
    const approved = await waitFor('both allows recorded', () => {
      const servers = readAudit(home).filter((r) => r.event === 'unlock.approved').map((r) => r.server);
      return servers.length >= 2 ? servers : undefined;
    }, 30_000);
    assert.deepEqual(approved, ['p6', 'p6-extra'], 'each allow is recorded for the server it named');
    const requested = readAudit(home).find((r) => r.event === 'unlock.requested' && r.server === 'p6-extra');
    assert.equal(requested?.command, `node ${EXTRA_MODULE}`, 'its request is audited with the command');
    assert.ok(!JSON.stringify(readAudit(home)).includes(PASSWORD), 'no password in the audit');
  });

  // D2-modulebytes, the reproduction: the approval above was of the command, not of the code it
  // runs. The same writer that can edit config.json rewrites the approved module while pm stays
  // unlocked; the next start of the server (a crash, an idle stop, a restart) ran the new code
  // under the old allow and got the session with no prompt.
  it('its allow covers the code it was given for: after its module is rewritten and it restarts, it asks again and the prompt says its code changed', HANG, async () => {
    const { home } = world!;
    // The writer's code: the same server, plus a line that shows it runs.
    fs.appendFileSync(EXTRA_MODULE, `\nprocess.stderr.write('the rewritten p6-extra runs\\n');\n`);
    const before = (await cli(['status', '--json'])).stdout;
    const oldPid = (JSON.parse(before) as { children: { name: string; pid?: number }[] }).children.find((c) => c.name === 'p6-extra')?.pid;
    assert.equal((await cli(['restart', 'p6-extra'])).code, 0, 'restarted');
    await waitFor('the rewritten module runs', () => (world!.serve.stderr().includes('the rewritten p6-extra runs') ? true : undefined), 60_000);
    await waitFor('the new process answers', async () => {
      const children = (JSON.parse((await cli(['status', '--json'])).stdout) as { children: { name: string; pid?: number; state: string }[] }).children;
      const c = children.find((x) => x.name === 'p6-extra');
      if (c?.state !== 'running' || c.pid === oldPid) return undefined;
      return (await extra!.listTools()).tools.length > 0 ? true : undefined;
    }, 60_000);

    const asked = sessionInfo(extra!);
    const again = await promptOrAnswer(asked);
    // Before: 'answered without a prompt': the rewritten code got pm's session under the old allow.
    assert.ok(again !== 'answered without a prompt', 'the rewritten module got the session under the allow given for the code before it');
    assert.equal(again.server, 'p6-extra', 'the prompt names the server');
    assert.ok(again.subject.kind === 'unlock' && again.subject.fromConfig?.codeChanged === true, 'the prompt says its code changed since it was allowed');
    const listed = await cli(['approvals']);
    assert.match(listed.stdout, /its code changed since it was allowed/, listed.stdout);
    assert.equal((await cli(['approve', again.id])).code, 0, 'the person allows the new code');
    assert.equal((await asked).isError, undefined, 'served once allowed');
    const requested = readAudit(home).filter((r) => r.event === 'unlock.requested' && r.server === 'p6-extra');
    assert.equal(requested.length, 2, 'two prompts for it: its first session and its new code');
    assert.match(String(requested[1]?.codeSha256), /^[0-9a-f]{64}$/, 'the new prompt\'s record names the code it was for');
    assert.notEqual(requested[1]?.codeSha256, requested[0]?.codeSha256, 'not the code allowed before');
  });
});
