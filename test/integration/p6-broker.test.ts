// The broker end to end against the P6 fake (no real P6 can run here): Secret Service,
// the real CLI, a real child, TLS verified against the fake's CA or pinned to its certificate.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import { startTokenChild } from '../support/token-child.js';
import { findSecrets } from '../support/secret-scan.js';
import { startP6Fake, type P6Fake } from '../fixtures/p6/start-p6-fake.js';
import type { Host } from '../../src/platform/host/host.js';
import type { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { startHomeHost } from '../support/home-host.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';

const PASSWORD = 'p6-Secret:with:colons';

describe('broker with the P6 fake, Secret Service and the real CLI', () => {
  let ss: SecretService;
  let fake: P6Fake;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let host: Host;
  let pending: PendingApprovals;
  const texts: Record<string, string> = {};
  const cli = async (args: string[], stdin?: string) => {
    const r = await runKeybroker(args, { env, stdin });
    texts[`${args.join(' ')} #${Object.keys(texts).length}`] = r.stdout + r.stderr;
    return r;
  };
  const approveNext = async () => {
    const a = await waitFor('a pending approval', async () => (JSON.parse((await cli(['approvals', '--json'])).stdout) as ApprovalRequest[])[0]);
    assert.equal((await cli(['approve', a.id])).code, 0);
    return a;
  };
  const getProjects = async (cookie: string) => {
    const dispatcher = new Agent({ connect: { ca: fake.caPem } });
    try {
      const r = await request(`${fake.url}/project?Fields=ObjectId,Id`, { headers: { cookie, accept: 'application/json' }, dispatcher });
      await r.body.text();
      return r.statusCode;
    } finally {
      await dispatcher.close();
    }
  };

  before(async () => {
    ss = await startSecretService();
    ss.apply();
    fake = await startP6Fake({ users: [{ username: 'planner', password: PASSWORD }], databases: ['PMDB'], tls: true });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-e2e-p6-'));
    env = { ...process.env, KEYBROKER_HOME: home };
    const add = (name: string, pw: string, tls: string[]) =>
      cli(['endpoint', 'add', 'p6', name, '--url', fake.url, '--user', 'planner', '--database', 'PMDB', ...tls, '--no-verify', '--password-stdin'], pw);
    assert.equal((await add('pm', PASSWORD, ['--ca', fake.caFile!])).code, 0);
    assert.equal((await add('pmbad', 'wrong-password', ['--fingerprint', fake.fingerprintSha256!])).code, 0);
    ({ host, pending } = await startHomeHost(home));
  });

  after(async () => {
    await host?.stop();
    pending?.dispose();
    await fake?.stop();
    await ss?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('grants a working session cookie after one approval, and lock logs it out at P6', async () => {
    const child = await startTokenChild(host, 'p6');
    const asked = child.token('pm');
    const approval = await approveNext();
    assert.deepEqual(approval.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 4 * 3600, hosts: [new URL(fake.url).host] });
    const grant = await asked;
    assert.ok(grant.ok, JSON.stringify(grant));
    assert.match(grant.token, /JSESSIONID=/);
    assert.equal(await getProjects(grant.token), 200);
    assert.deepEqual(findSecrets([PASSWORD, grant.token], { pids: [child.handle.pid!] }), []);

    assert.equal((await cli(['lock'])).code, 0);
    await waitFor('token.revoke', () => child.revokedAt('pm'), 5000);
    await waitFor('logout at P6', async () => ((await getProjects(grant.token)) === 401 ? true : undefined), 5000);
    assert.equal(fake.counts()['POST /p6ws/restapi/logout'], 1);
    host.audit.flush();
    assert.deepEqual(findSecrets([PASSWORD, grant.token], { dirs: [home], texts }), []);
    await child.stop();
  });

  it('reports bad credentials as login_failed after exactly one login attempt, and never locks the account', async () => {
    const child = await startTokenChild(host, 'p6');
    const before = fake.loginAttempts('planner');
    const asked = child.token('pmbad');
    await approveNext();
    const r = await asked;
    assert.equal(!r.ok && r.code, 'login_failed');
    assert.match(!r.ok ? r.message : '', /P6 rejected the login/);
    assert.equal(fake.loginAttempts('planner') - before, 1);
    assert.equal(fake.isLocked('planner'), false);
    // The next request asks the user again instead of retrying the bad password.
    const again = child.token('pmbad');
    const a = await waitFor('a new approval', async () => (JSON.parse((await cli(['approvals', '--json'])).stdout) as ApprovalRequest[])[0]);
    assert.equal(fake.loginAttempts('planner') - before, 1);
    await cli(['deny', a.id]);
    assert.equal(!(await again).ok, true);
    await child.stop();
  });
});
