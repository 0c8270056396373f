// Issue 13 done-when: a third kind that lives only in test/fixtures/kinds/cookie-rest/,
// registered only through the registry (its serve-entry.ts calls registerKindModule, then
// the normal CLI), runs end to end: `keybroker endpoint add cookie-rest` (login tested with
// the kind's adapter), `keybroker serve` with the kind's server child in the sandbox, the
// real `keybroker bridge` and MCP SDK client, a read, a write held for approval and approved
// with the real `keybroker approve`, and the audit. Only the upstream is a fake
// (test/support/cookie-rest-upstream.ts, HTTPS with a throwaway CA).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditRecord } from '../../src/base/contracts/audit-event.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { readAudit } from '../support/audit-file.js';
import { startBridgedServe } from '../support/bridged-serve.js';
import { cliApprovals } from '../support/cli-approvals.js';
import { startCookieRestUpstream, type CookieRestUpstream } from '../support/cookie-rest-upstream.js';
import { runKeybroker, waitFor, type KeybrokerCommand } from '../support/keybroker-cli.js';
import { findSecrets } from '../support/secret-scan.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import type { ServeProcess } from '../support/serve-process.js';

const ENTRY = path.resolve(import.meta.dirname, '../fixtures/kinds/cookie-rest/serve-entry.ts');
/** `keybroker` with the fixture kind registered (the only way the kind gets in). */
const WITH_KIND: KeybrokerCommand = ['--import', 'tsx', ENTRY];
const PASSWORD = 'C00kie:pass-w0rd';
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

/** `pid` and every process below it (the sandbox wrapper's node child included). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    for (const c of children ? children.split(' ') : []) out.push(...processTree(Number(c)));
  }
  return out;
}

describe('a test-only kind (cookie-rest) through serve, bridge, approval and audit', () => {
  let ss: SecretService;
  let fake: CookieRestUpstream;
  let home: string;
  let caDir: string;
  let env: NodeJS.ProcessEnv;
  let serve: ServeProcess | undefined;
  let client: Client | undefined;
  /** The fixture's entry: every command that reads config.json (which names the kind). */
  const kb = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin, command: WITH_KIND });
  /** The plain, built `keybroker`: approvals and the audit never need to know the kind. */
  const bin = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
  const { nextApproval } = cliApprovals(bin);
  const call = (name: string, args: Record<string, unknown>) => client!.callTool({ name, arguments: args }, undefined, { timeout: 120_000 }) as Promise<CallToolResult>;
  const audit = () => readAudit(home);
  const results: string[] = [];

  before(async () => {
    ss = await startSecretService();
    fake = await startCookieRestUpstream({ alice: PASSWORD }, [{ id: 'i-1', name: 'alpha' }, { id: 'i-2', name: 'beta' }]);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cookie-rest-'));
    caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cookie-rest-ca-'));
    fs.writeFileSync(path.join(caDir, 'ca.pem'), fake.caPem);
    env = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
  });
  after(async () => {
    await client?.close();
    await serve?.stop();
    await fake?.stop();
    await ss?.stop();
    for (const dir of [home, caDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is unknown to the plain CLI, and `endpoint add cookie-rest` through the entry tests the login with the kind\'s adapter', async () => {
    const plain = await bin(['endpoint', 'add', 'cookie-rest', 'items1', '--url', fake.url, '--user', 'alice', '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /expected vsphere or p6 after "endpoint add"/);
    const wrong = await kb(['endpoint', 'add', 'cookie-rest', 'items1', '--url', fake.url, '--user', 'alice', '--ca', path.join(caDir, 'ca.pem'), '--password-stdin'], 'not-the-password\n');
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /refused the user name or password/);
    const added = await kb(['endpoint', 'add', 'cookie-rest', 'items1', '--url', fake.url, '--user', 'alice', '--ca', path.join(caDir, 'ca.pem'), '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /added cookie-rest endpoint items1/);
    assert.equal(fake.counts()['POST /api/login'], 2, 'one refused and one accepted login test, each tried once');
    const config = JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')) as { endpoints: { kind: string; url: string }[] };
    assert.deepEqual(config.endpoints.map((e) => [e.kind, e.url]), [['cookie-rest', `${fake.url}/api`]]);
  });

  it('serves the kind\'s child and reaches it through the real bridge', async () => {
    ({ serve, client } = await startBridgedServe(env, kb, 'cookie-rest', { command: WITH_KIND, toolsListed: true }));
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['cookie-rest_archive_item', 'cookie-rest_list_endpoints', 'cookie-rest_list_items']);
    const listed = await call('cookie-rest_list_endpoints', {});
    assert.deepEqual(listed.structuredContent, { endpoints: [{ name: 'items1', host: new URL(fake.url).host, readOnly: false, state: 'locked' }], total: 1 });
  });

  it('reads after one unlock approval, logging in with the keychain\'s password', async () => {
    const loginsBefore = fake.counts()['POST /api/login'] ?? 0;
    const pending = call('cookie-rest_list_items', { endpoint: 'items1' });
    const unlock = await nextApproval();
    assert.deepEqual(unlock.subject, { kind: 'unlock', credential: 'endpoint:items1', ttlSeconds: unlock.subject.kind === 'unlock' ? unlock.subject.ttlSeconds : 0, hosts: [new URL(fake.url).host] });
    assert.equal((await bin(['approve', unlock.id])).code, 0);
    const r = await pending;
    results.push(JSON.stringify(r));
    assert.equal(r.isError, undefined, textOf(r));
    assert.deepEqual(r.structuredContent, { items: [{ id: 'i-1', name: 'alpha', archived: false }, { id: 'i-2', name: 'beta', archived: false }], total: 2 });
    assert.equal((fake.counts()['POST /api/login'] ?? 0) - loginsBefore, 1);
  });

  it('holds the write for approval with its plan, runs nothing before `keybroker approve`, then archives', async () => {
    const pending = call('cookie-rest_archive_item', { endpoint: 'items1', id: 'i-2' });
    const a = await nextApproval();
    assert.ok(a.subject.kind === 'tool', JSON.stringify(a));
    assert.equal(a.subject.tool, 'cookie-rest_archive_item');
    assert.equal(a.server, 'cookie-rest');
    assert.equal(a.endpoint, 'items1');
    assert.equal(a.subject.plan?.summary, 'Archive item beta (i-2)');
    assert.deepEqual(a.subject.plan?.changes, [{ object: 'item beta (i-2)', field: 'archived', before: 'false', after: 'true' }]);
    // Only the plan step's read reached the upstream while the call waits.
    assert.equal(fake.counts()['POST /api/items/i-2/archive'], undefined);
    assert.equal(fake.items.get('i-2')?.archived, false);
    assert.equal((await bin(['approve', a.id])).code, 0);
    const r = await pending;
    results.push(JSON.stringify(r));
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal(fake.counts()['POST /api/items/i-2/archive'], 1);
    assert.equal(fake.items.get('i-2')?.archived, true);
    assert.equal(fake.items.get('i-1')?.archived, false);
  });

  it('renews a session the upstream dropped, without asking again (token.renew, one login)', async () => {
    const logins = fake.counts()['POST /api/login'] ?? 0;
    fake.expireSessions();
    const r = await call('cookie-rest_list_items', { endpoint: 'items1' });
    results.push(JSON.stringify(r));
    assert.equal(r.isError, undefined, textOf(r));
    assert.equal((r.structuredContent as { total: number }).total, 2);
    assert.equal((fake.counts()['POST /api/login'] ?? 0) - logins, 1);
    assert.deepEqual(JSON.parse((await bin(['approvals', '--json'])).stdout), []);
  });

  it('audits the login, the read, the approval and the write with its target, in order', async () => {
    const find = (what: string, p: (l: AuditRecord) => boolean) => waitFor(what, () => {
      const i = audit().findIndex(p);
      return i < 0 ? undefined : i;
    });
    const unlocked = await find('unlock.approved', (l) => l.event === 'unlock.approved' && l.credential === 'endpoint:items1');
    const login = await find('session.login', (l) => l.event === 'session.login' && l.endpoint === 'items1' && l.outcome === 'ok');
    const read = await find('the read', (l) => l.event === 'tool.called' && l.server === 'cookie-rest' && l.tool === 'cookie-rest_list_items' && l.outcome === 'ok');
    const approved = await find('tool.approved', (l) => l.event === 'tool.approved' && l.tool === 'cookie-rest_archive_item' && l.endpoint === 'items1');
    const write = await find('the write', (l) => l.event === 'tool.called' && l.tool === 'cookie-rest_archive_item' && l.outcome === 'ok');
    assert.ok(unlocked < login && login < read && read < approved && approved < write, JSON.stringify({ unlocked, login, read, approved, write }));
    const lines = audit();
    assert.deepEqual(lines[write]!.objects, ['item beta (i-2)']);
    assert.equal(lines[write]!.planSummary, 'Archive item beta (i-2)');
    assert.equal(lines[write]!.client, 'claude-ai');
    assert.deepEqual(lines[write]!.argNames?.slice().sort(), ['endpoint', 'id']);
    assert.equal(lines[approved]!.planHash, lines[write]!.planHash);
  });

  it('puts no secret (password, session cookie) in the audit, the home, the output, or the child\'s argv or env', async () => {
    const cookies = fake.issuedCookies();
    assert.ok(cookies.length >= 2, 'the login test and the broker each got a cookie');
    const status = JSON.parse((await kb(['status', '--json'])).stdout) as HostStatus;
    const child = status.children.find((c) => c.name === 'cookie-rest');
    assert.ok(child?.pid, JSON.stringify(status.children));
    const pids = processTree(child.pid);
    const cmdline = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    assert.ok(pids.some((p) => cmdline(p).includes('cookie-rest/server/index.ts')), 'the scan covers the server\'s own node process, inside the sandbox');
    const exported = await bin(['audit', '--json']);
    assert.equal(exported.code, 0, exported.stderr);
    const texts = { 'serve stderr': serve!.stderr(), 'audit --json': exported.stdout, 'tool results': results.join('\n') };
    assert.deepEqual(findSecrets([PASSWORD, ...cookies], { dirs: [home], texts, pids }), []);
    // The child did use the session: it is live upstream, and the child never saw the password.
    assert.ok(fake.liveSessions() >= 1, 'the upstream has a live session the child used');
  });

  it('logs out of the upstream when serve stops', async () => {
    await client?.close();
    client = undefined;
    assert.equal(await serve!.stop(), 0);
    serve = undefined;
    assert.equal(fake.liveSessions(), 0, 'the broker\'s session (and the login test\'s) are logged out');
    assert.ok(audit().some((l) => l.event === 'session.logout' && l.endpoint === 'items1'), 'the audit records the logout of items1');
  });
});
