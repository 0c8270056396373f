// The broker end to end with real parts: a private Secret Service, vcsim enforcing one
// username/password over HTTPS with its certificate pinned, the real `keybroker` CLI for
// endpoint add, approvals and lock, and real forked children asking for tokens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { startVcsim, type Vcsim } from '../support/vcsim.js';
import { runKeybroker, waitFor, type CliResult } from '../support/keybroker-cli.js';
import { startTokenChild } from '../support/token-child.js';
import { findSecrets } from '../support/secret-scan.js';
import type { Host } from '../../src/platform/host/host.js';
import type { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { startHomeHost } from '../support/home-host.js';
import { openHomeKeychain } from '../../src/platform/keychain/open-home-keychain.js';
import { readAudit } from '../../src/platform/audit/read-audit.js';
import { createUpstreamDispatcher } from '../../src/connectors/tls/index.js';
import { vsphereCurrentSession } from '../../src/connectors/vsphere/index.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { passwordOf } from '../support/password-of.js';

const PASSWORD = 'Vc pass "with" spaces & <xml>!';
const WRONG = 'not-the-password-123';

describe('broker with vcsim, Secret Service and the real CLI', () => {
  let ss: SecretService;
  let vcsim: Vcsim;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let host: Host;
  let pending: PendingApprovals;
  const outputs: Record<string, string> = {};
  /** Every session token a child received, for the final secret scan. */
  const tokens: string[] = [];
  const cli = async (args: string[], stdin?: string): Promise<CliResult> => {
    const r = await runKeybroker(args, { env, stdin });
    outputs[`keybroker ${args.join(' ')} #${Object.keys(outputs).length}`] = r.stdout + r.stderr;
    return r;
  };
  /** Wait for the next pending approval and answer it with the real CLI. */
  const answer = async (how: 'approve' | 'deny', once = false): Promise<ApprovalRequest> => {
    const a = await waitFor('a pending approval', async () => {
      const r = await cli(['approvals', '--json']);
      return (JSON.parse(r.stdout) as ApprovalRequest[])[0];
    });
    const r = await cli(how === 'approve' ? ['approve', a.id, ...(once ? ['--once'] : [])] : ['deny', a.id]);
    assert.equal(r.code, 0, r.stderr);
    return a;
  };
  const dispatcher = () => createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });

  before(async () => {
    ss = await startSecretService();
    ss.apply();
    vcsim = await startVcsim({ username: 'administrator@vsphere.local', password: PASSWORD });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-e2e-vs-'));
    env = { ...process.env, KEYBROKER_HOME: home };
    for (const [name, pw] of [['vc1', PASSWORD], ['vcbad', WRONG]] as const) {
      const r = await cli(['endpoint', 'add', 'vsphere', name, '--url', vcsim.url, '--user', 'administrator@vsphere.local', '--fingerprint', vcsim.fingerprintSha256, '--no-verify', '--password-stdin'], `${pw}\n`);
      assert.equal(r.code, 0, r.stderr);
    }
    ({ host, pending } = await startHomeHost(home));
  });

  after(async () => {
    await host?.stop();
    pending?.dispose();
    await vcsim?.stop();
    await ss?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('keeps the password in the Secret Service and nowhere under KEYBROKER_HOME', async () => {
    assert.equal(passwordOf(await (await openHomeKeychain(home)).keychain.get('endpoint:vc1')), PASSWORD);
    assert.deepEqual(findSecrets([PASSWORD, WRONG], { dirs: [home] }), []);
    const list = await cli(['endpoint', 'list', '--json']);
    assert.deepEqual((JSON.parse(list.stdout) as { id: string }[]).map((e) => e.id).sort(), ['vc1', 'vcbad']);
  });

  it('logs in after one approval and hands the child a working session cookie', async () => {
    const child = await startTokenChild(host, 'vsphere');
    const asked = child.token('vc1');
    const approval = await answer('approve');
    assert.equal(approval.endpoint, 'vc1');
    assert.equal(approval.server, 'vsphere');
    assert.deepEqual(approval.subject, { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 4 * 3600, hosts: [new URL(vcsim.url).host] });
    const grant = await asked;
    assert.ok(grant.ok, JSON.stringify(grant));
    tokens.push(grant.token);
    // The vAPI REST session (tags) comes from the same login, and is a secret like the cookie (issue 16).
    assert.ok(grant.restToken, 'a vAPI session beside the SOAP one');
    tokens.push(grant.restToken);
    assert.equal(grant.upstream.fingerprintSha256, vcsim.fingerprintSha256);
    const d = dispatcher();
    const who = await vsphereCurrentSession({ url: vcsim.url, cookie: grant.token, dispatcher: d });
    await d.close();
    assert.equal(who.userName.toLowerCase().includes('administrator'), true);
    // The child's argv and environment never carry the password or the cookie.
    assert.deepEqual(findSecrets([PASSWORD, grant.token, grant.restToken], { pids: [child.handle.pid!] }), []);
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { endpoints: { id: string; lock: string; session?: unknown }[] };
    const vc1 = status.endpoints.find((e) => e.id === 'vc1');
    assert.equal(vc1?.lock, 'unlocked');
    assert.ok(vc1?.session, 'status shows vc1\'s session');
    await child.stop();
  });

  it('answers a wrong password with login_failed after exactly one Login, audited', async () => {
    const child = await startTokenChild(host, 'vsphere');
    const before = (await vcsim.counts())['Login'] ?? 0;
    const asked = child.token('vcbad');
    await answer('approve');
    const r = await asked;
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'login_failed');
    assert.equal(((await vcsim.counts())['Login'] ?? 0) - before, 1);
    host.audit.flush();
    assert.ok(readAudit(home).records.some((a) => a.event === 'session.failed' && a.endpoint === 'vcbad' && a.code === 'login_failed'), 'the audit records vcbad\'s failed login');
    await child.stop();
  });

  it('refuses a p6 child asking for a vSphere endpoint as not_allowed, audited', async () => {
    const child = await startTokenChild(host, 'p6');
    const r = await child.token('vc1');
    assert.equal(!r.ok && r.code, 'not_allowed');
    host.audit.flush();
    assert.ok(readAudit(home).records.some((a) => a.event === 'token.denied' && a.code === 'not_allowed' && a.server === 'p6'), 'the audit records the token refused to p6 as not_allowed');
    await child.stop();
  });

  it('on `keybroker lock` revokes every child and logs the session out upstream', async () => {
    const a = await startTokenChild(host, 'vsphere', 'vsphere-a');
    const b = await startTokenChild(host, 'vsphere', 'vsphere-b');
    try {
      // Unlocked by the earlier test when the whole file runs; approved here when this test
      // runs alone (--test-name-pattern), so it depends on no other test's approval.
      const vc1Lock = (JSON.parse((await cli(['status', '--json'])).stdout) as { endpoints: { id: string; lock: string }[] }).endpoints.find((e) => e.id === 'vc1')?.lock;
      const askedA = a.token('vc1');
      if (vc1Lock !== 'unlocked') await answer('approve');
      const ga = await askedA;
      const gb = await b.token('vc1');
      assert.ok(ga.ok && gb.ok, 'both children get a token for vc1');
      tokens.push(ga.token, gb.token);
      const r = await cli(['lock', 'vc1']);
      assert.equal(r.code, 0, r.stderr);
      host.audit.flush();
      assert.ok(readAudit(home).records.some((x) => x.event === 'lock'), 'the lock is audited');
      // Every child is told; how fast (issue 4: ≤ 1 s) is measured by bench/host-reactions.
      for (const c of [a, b]) await waitFor('token.revoke', () => c.revokedAt('vc1'));
      const d = dispatcher();
      await assert.rejects(waitFor('logout upstream', async () => {
        await vsphereCurrentSession({ url: vcsim.url, cookie: ga.ok ? ga.token : '', dispatcher: d });
        return undefined; // still logged in: keep polling until it is rejected
      }), (e: unknown) => (e as { code?: string }).code === 'CONN_NOT_AUTHENTICATED');
      await d.close();
      const status = JSON.parse((await cli(['status', '--json'])).stdout) as { endpoints: { id: string; lock: string }[] };
      assert.equal(status.endpoints.find((e) => e.id === 'vc1')?.lock, 'locked');
      // Locked again: the next request waits for a new approval instead of failing.
      const again = a.token('vc1');
      await answer('deny');
      const denied = await again;
      assert.equal(!denied.ok && denied.code, 'denied');
    } finally {
      // Children hold the test process open; stop them even when an assertion failed.
      await a.stop();
      await b.stop();
    }
  });

  it('leaves no password or session token in any file, audit line or CLI output', () => {
    host.audit.flush();
    assert.ok(tokens.length >= 3, 'at least three session tokens were seen to look for');
    const hits = findSecrets([PASSWORD, WRONG, ...tokens], { dirs: [home], texts: outputs });
    assert.deepEqual(hits, []);
  });
});
