// Red team round 9 (R10-attack): what a server child or a config edit racing a login can
// get from the broker. Through the real Broker, Sessions, Consent and TokenService; the
// upstream login is the counting fake (real logins have their own suites).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config } from '../../../src/base/contracts/config.js';
import { HostToChildBroker } from '../../../src/base/contracts/token-protocol.js';
import { readCaFile } from '../../../src/platform/config/read-ca-file.js';
import { createTestPki } from '../../support/openssl-pki.js';
import { FORCED_RELOGIN_WINDOW_MS } from '../../../src/platform/broker/forced-relogins.js';
import { ask, askAnswered, makeBroker, recordingLink, testConfig } from './broker-harness.js';

/** Let queued jobs run (no clock involved). */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('Broker attacks: an endpoint edited while its login runs', () => {
  for (const [what, change] of [
    // In the domain, with the system's trust: where the domain password may go untyped (D180, D198).
    ['url', { url: 'https://vc9.corp.example/sdk' }],
    ['user', { username: 'someone-else' }],
    ['TLS pin', { tls: { verify: true, fingerprintSha256: 'AB'.repeat(32) } }],
  ] as const) {
    it(`a login started before the ${what} changed never serves the changed endpoint`, async () => {
      const { broker, approver, audit, vsphere, setConfig } = makeBroker();
      let openLogin!: () => void;
      vsphere.gate = new Promise((r) => { openLogin = r; });
      const link = recordingLink('vsphere');
      const reply = askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
      while (vsphere.logins === 0) await new Promise((r) => setImmediate(r));
      const c = testConfig();
      setConfig(Config.parse({ ...c, endpoints: c.endpoints.map((e) => (e.id === 'vc1' ? { ...e, ...change } : e)) }));
      const reloaded = broker.reload([]);
      openLogin();
      await reloaded;
      const answer = await reply;
      await drain();
      // The session was made with the old settings: it must not reach the child as the new endpoint's.
      assert.equal(answer.t, 'token.deny', `the old login's token was granted for the changed endpoint: ${JSON.stringify(answer.t === 'token.grant' ? answer.upstream : answer)}`);
      assert.deepEqual(answer.t === 'token.deny' && [answer.code, answer.message], ['locked', 'vc1 was changed while its session was made; ask again to log in with its new settings'], 'the denial does not say what to do next');
      assert.deepEqual(audit.filter((r) => r.event === 'token.revoked').map((r) => [r.endpoint, r.reason]), [['vc1', 'changed']], 'the raced session was not ended as changed');
      assert.equal(broker.endpointStatus().find((e) => e.id === 'vc1')?.session, undefined, 'a session of the old settings is still held for the changed endpoint');
      assert.deepEqual(vsphere.logouts, ['tok-vc1-1'], 'the raced login was not logged out upstream');
      // The next request logs in afresh, with the new settings; at a new host only after the
      // user allowed that host (Y7-bindpw: the unlock covered the hosts its prompt named).
      vsphere.gate = undefined;
      const next = await (what === 'url' ? askAnswered(broker, approver, link, 'vc1', 'b', 'allow-ttl') : ask(broker, link, 'vc1', 'b'));
      if (what === 'TLS pin') {
        // D198: a pin nobody typed the domain password for gets no password at all.
        assert.equal(next.t === 'token.deny' && next.code, 'not_allowed', 'the stored password went to a pin it was not typed for');
        assert.equal(vsphere.logins, 1, 'no login with the new pin');
      } else assert.equal(next.t === 'token.grant' && next.token, 'tok-vc1-2', 'the next request did not log in again');
      const hosts = approver.prompts.map((p) => (p.subject.kind === 'unlock' ? p.subject.hosts : []));
      assert.deepEqual(hosts, what === 'url' ? [['vc1.corp.example', 'vc2.corp.example'], ['vc9.corp.example', 'vc2.corp.example']] : [['vc1.corp.example', 'vc2.corp.example']], 'a prompt for the new host only');
    });
  }

  it('a login started before its endpoint was removed is logged out, not kept', async () => {
    const { broker, approver, audit, vsphere, setConfig } = makeBroker();
    let openLogin!: () => void;
    vsphere.gate = new Promise((r) => { openLogin = r; });
    const reply = askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    while (vsphere.logins === 0) await new Promise((r) => setImmediate(r));
    const c = testConfig();
    setConfig(Config.parse({ ...c, endpoints: c.endpoints.filter((e) => e.id !== 'vc1') }));
    const reloaded = broker.reload([]);
    openLogin();
    await reloaded;
    const answer = await reply;
    assert.deepEqual(answer.t === 'token.deny' && [answer.code, answer.message], ['locked', 'vc1 was changed while its session was made; ask again to log in with its new settings'], `a removed endpoint got a token: ${JSON.stringify(answer)}`);
    assert.deepEqual(audit.filter((r) => r.event === 'token.revoked').map((r) => [r.endpoint, r.reason]), [['vc1', 'removed']], 'the raced session was not ended as removed');
    await drain();
    assert.deepEqual(vsphere.logouts, ['tok-vc1-1'], 'the raced login of a removed endpoint was not logged out upstream');
  });
});

describe('Broker attacks: a child that renews a token it keeps using', () => {
  it('the token a child calls stale is logged out upstream, so a lock leaves the child no live session', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const first = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    assert.ok(first.t === 'token.grant', 'no first grant');
    // A compromised child says its live token was refused, and keeps it.
    const second = await ask(broker, link, 'vc1', 'b', first.token);
    assert.ok(second.t === 'token.grant' && second.token !== first.token, 'no second session');
    await broker.lock();
    await drain();
    assert.deepEqual([...vsphere.logouts].sort(), [first.token, second.token].sort(), `after the lock a session the child holds is still live upstream: logged out only ${JSON.stringify(vsphere.logouts)}`);
  });

  it('a renew flood leaves at most the current session and the ones being logged out live upstream', async () => {
    const { broker, approver, vsphere, clock } = makeBroker();
    const link = recordingLink('vsphere');
    let g = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    for (let i = 0; i < 50; i++) {
      assert.ok(g.t === 'token.grant', `renew ${i} was not granted`);
      // One forced re-login per window (forced-relogins.test.ts); a window apart, each renew logs in.
      clock.advance(FORCED_RELOGIN_WINDOW_MS);
      g = await ask(broker, link, 'vc1', `r${i}`, g.token);
    }
    await drain();
    assert.equal(vsphere.logins, 51, 'each renew of the current token logs in once');
    assert.equal(vsphere.logouts.length, 50, `${51 - vsphere.logouts.length} upstream sessions are left live for one endpoint`);
  });
});

/** testConfig() with vc1 verified against the CA file `caFile`. */
function withCa(caFile: string): Config {
  const c = testConfig();
  return Config.parse({ ...c, endpoints: c.endpoints.map((e) => (e.id === 'vc1' ? { ...e, tls: { verify: true, caFile } } : e)) });
}

describe('Broker attacks: the CA file at the time of use', () => {
  it('a CA bundle that `endpoint add` accepts (over 64 KiB, under 1 MiB) reaches the child in a grant it can read', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-r10-ca-'));
    const pki = createTestPki();
    t.after(() => { pki.remove(); fs.rmSync(dir, { recursive: true, force: true }); });
    // A system bundle (Debian's is 220 KB) as users point --ca at it: many certificates in one file.
    const bundle = path.join(dir, 'bundle.pem');
    fs.writeFileSync(bundle, `${pki.ca.cert.trim()}\n`.repeat(Math.ceil(200_000 / pki.ca.cert.length)));
    assert.ok(fs.statSync(bundle).size > 64 * 1024, 'the bundle is not over 64 KiB');
    assert.equal(readCaFile(bundle).ok, true, 'readCaFile refused the bundle');
    const { broker, approver, setConfig } = makeBroker({ legacy: true });
    setConfig(withCa(bundle));
    const grant = await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    assert.equal(grant.t === 'token.grant' && grant.upstream.ca, fs.readFileSync(bundle, 'utf8'), 'the grant does not carry the CA');
    // What the child's TokenClient does with every host frame (token-client.ts): a grant it
    // cannot parse is dropped, and the tool call waits for it for ever.
    const parsed = HostToChildBroker.safeParse(JSON.parse(JSON.stringify(grant)));
    assert.ok(parsed.success, `the child drops the grant: ${parsed.success ? '' : parsed.error.issues[0]?.message}`);
  });

  it('a CA file that also holds a private key gives the child its certificates only (Y5-redteam)', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-y5-ca-'));
    const pki = createTestPki();
    t.after(() => { pki.remove(); fs.rmSync(dir, { recursive: true, force: true }); });
    // A combined PEM as `openssl req -x509 -keyout same.pem -out same.pem` or a proxy's
    // certificate file makes it: the certificate `--ca` checks, and the key beside it.
    const combined = path.join(dir, 'vcenter.pem');
    fs.writeFileSync(combined, `# exported for vc1 by ops\n${pki.ca.key.trim()}\n${pki.ca.cert.trim()}\n`);
    assert.equal(readCaFile(combined).ok, true, 'readCaFile refused the combined file');
    const { broker, approver, setConfig } = makeBroker({ legacy: true });
    setConfig(withCa(combined));
    const grant = await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    assert.ok(grant.t === 'token.grant', `no grant: ${JSON.stringify(grant)}`);
    const ca = grant.upstream.ca ?? '';
    assert.ok(!ca.includes('PRIVATE KEY') && !ca.includes(pki.ca.key.trim().split('\n')[1]!), 'the grant handed the CA file\'s private key to the child');
    assert.ok(!ca.includes('exported for vc1'), 'the grant carried the file\'s text around its certificates');
    assert.equal(ca, `${pki.ca.cert.trim()}\n`, 'the grant does not carry exactly the certificate');
  });

  it('a CA path that became a FIFO or a folder is refused at use, without blocking the host (grant and login)', { timeout: 120_000 }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-r10-fifo-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const fifo = path.join(dir, 'ca.pem');
    execFileSync('mkfifo', [fifo]);
    // In a process of its own: the bug blocks the event loop in open(2) for ever, which no
    // in-process time limit can end. Nobody ever opens the FIFO's write end.
    const script = path.resolve(import.meta.dirname, '../../fixtures/ca-at-use.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, fifo, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 0, `the probe failed: ${out}`);
    const lines = JSON.parse(out) as Record<string, { grantCa: string | null; login: string }>;
    for (const [what, seen] of Object.entries(lines)) {
      assert.equal(seen.grantCa, null, `${what}: the grant carried something read from it`);
      assert.match(seen.login, /cannot read the CA file/, `${what}: the login read it`);
    }
  });
});

describe('Broker attacks: what a child names (held)', () => {
  it('look-alike, case-changed, padded and other-kind endpoint names get no token and no prompt', async () => {
    const { broker, approver, vsphere, p6, audit } = makeBroker();
    const link = recordingLink('vsphere');
    const handle = broker.attachChild(link);
    // Cyrillic "с", upper case, a trailing space, a zero-width space, full-width, 65 characters, the P6 endpoint.
    const names = ['v\u04411', 'VC1', 'vc1 ', 'vc\u200b1', '\uff56\uff43\uff11', `vc1${'x'.repeat(62)}`, 'pm'];
    names.forEach((endpoint, i) => handle.accept({ ch: 'broker', t: 'token.request', id: `n${i}`, endpoint }));
    await drain();
    assert.equal(link.frames.filter((f) => f.t === 'token.grant').length, 0, 'a look-alike name got a token');
    // Each is either refused by the frame's contract (dropped, audited) or denied by name.
    const invalid = audit.filter((a) => a.event === 'frame.invalid').length;
    const denied = link.frames.filter((f) => f.t === 'token.deny' && (f.code === 'invalid' || f.code === 'not_allowed')).length;
    assert.equal(invalid + denied, names.length, `${invalid} refused frames and ${denied} denials for ${names.length} names`);
    assert.equal(approver.prompts.length, 0, 'a refused name raised a prompt');
    assert.equal(vsphere.logins + p6.logins, 0, 'a refused name logged in');
  });

  it('a renew after a lock asks the user again before any login', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const first = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    assert.ok(first.t === 'token.grant', 'no first grant');
    await broker.lock();
    const shown = approver.nextPrompt();
    const renewed = ask(broker, link, 'vc1', 'b', first.token);
    await shown;
    assert.equal(vsphere.logins, 1, 'the renew logged in before the user answered');
    approver.answer('deny');
    assert.equal((await renewed).t, 'token.deny', 'a denied renew got a token');
  });
});
