// `endpoint add` and `endpoint update` test the login against a real upstream (the P6 fake over
// TLS, the broker's own login adapter) before storing anything, and `update` ends the old
// session in a running host (issue 16). In-process CLI, in-process host, a real forked child.
import { describe, it, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { Config } from '../../src/base/contracts/config.js';
import { Host } from '../../src/platform/host/host.js';
import { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { P6UpstreamLogin } from '../../src/platform/broker/logins/p6-upstream-login.js';
import { VsphereUpstreamLogin } from '../../src/platform/broker/logins/vsphere-upstream-login.js';
import { startP6Fake, type P6Fake } from '../fixtures/p6/start-p6-fake.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { waitFor } from '../support/keybroker-cli.js';
import { startTokenChild } from '../support/token-child.js';
import { runIn } from './harness.js';
import { passwordOf } from '../support/password-of.js';

const OLD = 'old-P6-pass';
const NEW = 'new-P6-pass';

describe('endpoint add/update login test (P6 fake, real login adapter)', () => {
  let fake: P6Fake;
  let base: string;
  let home: string;
  let keychain: MemoryKeychain;
  const readConfig = (): Config | undefined => {
    const file = path.join(home, 'config.json');
    return fs.existsSync(file) ? Config.parse(JSON.parse(fs.readFileSync(file, 'utf8'))) : undefined;
  };
  const add = (extra: string[], pw: string) =>
    runIn(home, ['endpoint', 'add', 'p6', 'pm', '--url', fake.url, '--user', 'planner', '--database', 'PMDB', ...extra, '--password-stdin'], { stdin: pw, keychain });
  const update = (args: string[], pw?: string) => runIn(home, ['endpoint', 'update', ...args], { ...(pw === undefined ? {} : { stdin: pw }), keychain });
  const status = async (cookie: string): Promise<number> => {
    const dispatcher = new Agent({ connect: { ca: fake.caPem } });
    try {
      const r = await request(`${fake.url}/project?Fields=ObjectId`, { headers: { cookie, accept: 'application/json' }, dispatcher });
      await r.body.text();
      return r.statusCode;
    } finally {
      await dispatcher.close();
    }
  };

  before(async () => {
    fake = await startP6Fake({ users: [{ username: 'planner', password: OLD }], databases: ['PMDB'], tls: true, lockAfterFailures: 100 });
  });
  after(async () => {
    await fake?.stop();
  });
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-epv-'));
    home = path.join(base, 'home');
    keychain = new MemoryKeychain();
    fake.setPassword('planner', OLD);
    fake.revokeSessions();
    fake.resetCounts();
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('add with a wrong password fails at once with exit 1 and stores nothing', async () => {
    const before = fake.loginAttempts('planner');
    const r = await add(['--ca', fake.caFile!], 'typo-pass');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^keybroker endpoint: login test of pm failed, nothing was saved: .*P6 rejected the login.*--no-verify saves without testing\)?\n$/);
    assert.equal(r.stderr.includes('typo-pass'), false);
    assert.equal(fake.loginAttempts('planner') - before, 1);
    assert.equal(keychain.items.size, 0);
    assert.equal(keychain.calls.filter((c) => c.startsWith('set:')).length, 0);
    assert.deepEqual(readConfig()?.endpoints ?? [], []);
  });

  it('add with a wrong fingerprint or an unreachable host fails with exit 1 before any password is sent', async () => {
    const before = fake.loginAttempts('planner');
    let r = await add(['--fingerprint', 'ab'.repeat(32)], OLD);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /login test of pm failed, nothing was saved: .*certificate SHA-256 .* but the endpoint pins/);
    // One instruction, for this command, whole: not the connector's `endpoint update NAME`
    // (nothing was saved) and not cut at 400 characters mid-flag (D145).
    assert.ok(r.stderr.endsWith(`; this can be an attack, so confirm the new fingerprint with the server's administrator, then run the command again with --fingerprint ${fake.fingerprintSha256}\n`), r.stderr);
    assert.equal(r.stderr.includes('endpoint update'), false, r.stderr);
    r = await runIn(home, ['endpoint', 'add', 'p6', 'pm', '--url', 'https://127.0.0.1:1', '--user', 'planner', '--database', 'PMDB', '--password-stdin'], { stdin: OLD, keychain });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /login test of pm failed, nothing was saved/);
    assert.equal(fake.loginAttempts('planner') - before, 0);
    assert.equal(keychain.items.size, 0);
    assert.deepEqual(readConfig()?.endpoints ?? [], []);
  });

  it('add with the right password stores it and logs the test session out again', async () => {
    const r = await add(['--ca', fake.caFile!], OLD);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.equal(r.stdout, 'added p6 endpoint pm (credential endpoint:pm, TTL 4h; login tested)\n');
    assert.equal(passwordOf(keychain.items.get('endpoint:pm')), OLD);
    assert.equal(fake.counts()['POST /p6ws/restapi/login'], 1);
    assert.equal(fake.counts()['POST /p6ws/restapi/logout'], 1);
  });

  it('--no-verify stores without contacting the upstream', async () => {
    const r = await add(['--ca', fake.caFile!, '--no-verify'], 'anything');
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.deepEqual(fake.counts(), {});
    assert.equal(passwordOf(keychain.items.get('endpoint:pm')), 'anything');
  });

  it('update changes settings that need no login without testing one, and refuses contradictions and unknown names', async () => {
    assert.equal((await add(['--ca', fake.caFile!], OLD)).code, 0);
    fake.resetCounts();
    let r = await update(['pm', '--read-only', '--ttl', '1h']);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.equal(r.stdout, 'updated p6 endpoint pm (read-only on; ttl 1h)\n');
    assert.deepEqual(fake.counts(), {});
    const cfg = readConfig()!;
    assert.equal(cfg.endpoints[0]!.readOnly, true);
    assert.equal(cfg.credentials[0]!.ttlSeconds, 3600);
    r = await update(['pm', '--read-only', '--read-write']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /contradict/);
    r = await update(['pn', '--read-write']);
    assert.deepEqual([r.code, r.stderr], [1, 'keybroker endpoint: no endpoint named "pn"; did you mean "pm"?\n']);
    r = await update(['pm']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing to change/);
    r = await update(['pm', '--databse', 'X']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown option '--databse'; did you mean "--database"\?/);
  });

  it('update --password-stdin tests the new password, replaces it in the keychain and ends the old session in the running host', async () => {
    assert.equal((await add(['--ca', fake.caFile!], OLD)).code, 0);
    const pending = new PendingApprovals();
    const host = await Host.start({ home, keychain, logins: { vsphere: new VsphereUpstreamLogin(), p6: new P6UpstreamLogin() }, approver: pending, pending });
    try {
      const child = await startTokenChild(host, 'p6');
      try {
        const approveNext = async () => {
          const a = await waitFor('a pending approval', () => pending.list()[0]);
          pending.decide(a.id, 'allow-ttl');
        };
        const asked = child.token('pm');
        await approveNext();
        const grant = await asked;
        assert.ok(grant.ok, JSON.stringify(grant));
        assert.equal(await status(grant.token), 200);

        // The P6 administrator changed the password; a typo in the new one changes nothing.
        fake.setPassword('planner', NEW);
        let r = await update(['pm', '--password-stdin'], 'typo-pass\n');
        assert.equal(r.code, 1);
        assert.match(r.stderr, /login test of pm failed, nothing was saved/);
        assert.equal(passwordOf(keychain.items.get('endpoint:pm')), OLD);
        assert.equal(child.revokedAt('pm'), undefined);
        assert.equal(await status(grant.token), 200);

        r = await update(['pm', '--password-stdin'], `${NEW}\n`);
        assert.deepEqual([r.code, r.stderr], [0, '']);
        assert.equal(r.stdout, 'updated p6 endpoint pm (password replaced; login tested; any old session ended)\n');
        assert.equal(passwordOf(keychain.items.get('endpoint:pm')), NEW);
        // Security: the old session is withdrawn from the child and logged out at P6.
        await waitFor('token.revoke', () => child.revokedAt('pm'));
        await waitFor('old session logged out', async () => ((await status(grant.token)) === 401 ? true : undefined));

        // The next call asks again (the unlock was for the old password) and logs in with the new one.
        const again = child.token('pm');
        await approveNext();
        const fresh = await again;
        assert.ok(fresh.ok, JSON.stringify(fresh));
        assert.notEqual(fresh.token, grant.token);
        assert.equal(await status(fresh.token), 200);
      } finally {
        await child.stop();
      }
    } finally {
      await host.stop();
      pending.dispose();
    }
  });
});
