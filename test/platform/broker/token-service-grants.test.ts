// What a grant carries to the child (the upstream's URL, pin, CA text, database, user; never
// a password), how the CA file is cached and reloaded, and the token audit records. Through
// the real Broker with the harness's fakes; found by mutation testing (docs/TESTING.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config } from '../../../src/base/contracts/config.js';
import { ask, askAnswered, makeBroker, recordingLink, testConfig } from './broker-harness.js';
import { createTestPki } from '../../support/openssl-pki.js';

const PIN = 'AB:'.repeat(31) + 'AB';

function withTls(caFile: string): Config {
  const c = testConfig();
  return Config.parse({
    ...c,
    endpoints: c.endpoints.map((e) => (e.id === 'vc1' ? { ...e, tls: { verify: true, fingerprintSha256: PIN, caFile } } : e.id === 'pm' ? { ...e, tls: { verify: true, caFile } } : e)),
  });
}

describe('TokenService grants', () => {
  it('hands the child the upstream settings it needs, with the CA as text, and audits the grant', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-grant-'));
    const pki = createTestPki();
    // The grant carries the file's certificates (D195), one per line.
    const ONE = `${pki.ca.cert.trim()}\n`;
    const TWO = `${pki.selfSigned('DNS:two.example').cert.trim()}\n`;
    try {
      const caFile = path.join(dir, 'ca.pem');
      fs.writeFileSync(caFile, ONE);
      const t = makeBroker({ legacy: true });
      t.setConfig(withTls(caFile));
      const shown = t.approver.nextPrompt();
      const r = ask(t.broker, recordingLink('vsphere'), 'vc1', 'a');
      await shown;
      t.approver.answer('allow-ttl');
      const g = await r;
      assert.deepEqual(g, {
        ch: 'broker', t: 'token.grant', id: 'a', endpoint: 'vc1', token: 'tok-vc1-1', expiresAt: t.clock.now() + 4 * 3600_000,
        upstream: { url: 'https://vc1.corp.example/sdk', fingerprintSha256: PIN, ca: ONE, database: undefined, username: 'svc' },
      });
      const granted = t.audit.filter((a) => a.event === 'token.granted');
      assert.deepEqual(granted, [{ event: 'token.granted', endpoint: 'vc1', server: 'vsphere', outcome: 'ok', durationMs: 0, expiresAt: new Date(t.clock.now() + 4 * 3600_000).toISOString() }]);

      // The CA text is cached: a changed file is only read again after a config reload.
      fs.writeFileSync(caFile, TWO);
      const again = await ask(t.broker, recordingLink('vsphere'), 'vc1', 'b');
      assert.equal(again.t === 'token.grant' && again.upstream.ca, ONE, 'the cached CA');
      t.broker.reload([]);
      const reloaded = await ask(t.broker, recordingLink('vsphere'), 'vc1', 'c');
      assert.equal(reloaded.t === 'token.grant' && reloaded.upstream.ca, TWO, 'the CA read again after a reload');
    } finally {
      pki.remove();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a P6 child its database, and no CA when the file cannot be read (TLS then fails closed)', async () => {
    const t = makeBroker({ legacy: true });
    t.setConfig(withTls('/nonexistent/ca.pem'));
    const shown = t.approver.nextPrompt();
    const r = ask(t.broker, recordingLink('p6'), 'pm', 'a');
    await shown;
    t.approver.answer('allow-once');
    const g = await r;
    assert.ok(g.t === 'token.grant', 'allow-once gives a token');
    assert.deepEqual(g.upstream, { url: 'https://p6.other.example/p6ws/restapi', fingerprintSha256: undefined, ca: undefined, database: 'PMDB', username: 'planner' });
  });

  it('names the child when the gateway cannot tell which client asked', async () => {
    const t = makeBroker();
    const shown = t.approver.nextPrompt();
    const r = ask(t.broker, recordingLink('vsphere'), 'vc1', 'a');
    await shown;
    assert.equal(t.approver.prompts[0]?.client, 'vsphere server');
    t.approver.answer('deny');
    const f = await r;
    assert.deepEqual(f, { ch: 'broker', t: 'token.deny', id: 'a', code: 'denied', message: "access to vc1 was denied by the user; ask them to approve it, or run 'keybroker approvals'" });
    assert.deepEqual(t.audit.filter((a) => a.event === 'token.denied'), [{ event: 'token.denied', endpoint: 'vc1', server: 'vsphere', outcome: 'denied', code: 'denied', reason: "access to vc1 was denied by the user; ask them to approve it, or run 'keybroker approvals'", durationMs: 0 }]);
  });

  it('a session renewed later in the unlock still ends with the unlock, not a full TTL from now', async () => {
    const t = makeBroker();
    const link = recordingLink('vsphere');
    const shown = t.approver.nextPrompt();
    const first = ask(t.broker, link, 'vc1', 'a');
    await shown;
    t.approver.answer('allow-ttl');
    const g = await first;
    const unlockEnds = t.clock.now() + 4 * 3600_000;
    t.clock.advance(3600_000);
    const renewed = await ask(t.broker, link, 'vc1', 'b', g.t === 'token.grant' ? g.token : '');
    assert.equal(renewed.t === 'token.grant' && renewed.expiresAt, unlockEnds);
  });

  it('keeps the unlock after a login that failed for another reason than the password', async () => {
    const t = makeBroker({ unreachable: true });
    const link = recordingLink('vsphere');
    const shown = t.approver.nextPrompt();
    const first = ask(t.broker, link, 'vc1', 'a');
    await shown;
    t.approver.answer('allow-ttl');
    const f = await first;
    assert.equal(f.t === 'token.deny' && f.code, 'unreachable');
    const again = await ask(t.broker, link, 'vc1', 'b');
    assert.equal(again.t === 'token.deny' && again.code, 'unreachable', 'tried again without asking');
    assert.equal(t.approver.prompts.length, 1);
  });

  it('asks for 4 hours when the credential sets no TTL', async () => {
    const t = makeBroker();
    const c = testConfig();
    t.setConfig(Config.parse({ ...c, credentials: c.credentials.map((x) => (x.id === 'endpoint:pm' ? { id: 'endpoint:pm' } : x)) }));
    const shown = t.approver.nextPrompt();
    const r = ask(t.broker, recordingLink('p6'), 'pm', 'a');
    await shown;
    assert.deepEqual(t.approver.prompts[0]?.subject, { kind: 'unlock', credential: 'endpoint:pm', ttlSeconds: 4 * 3600, hosts: ['p6.other.example'] });
    t.approver.answer('deny');
    await r;
  });

  it('refuses an unknown endpoint and a foreign kind with lines that say what to do', async () => {
    const t = makeBroker();
    const unknown = await ask(t.broker, recordingLink('vsphere'), 'nope', 'a');
    assert.deepEqual(unknown.t === 'token.deny' && [unknown.code, unknown.message], ['invalid', "no endpoint named nope; call the server's *_list_endpoints tool for the names"]);
    const foreign = await ask(t.broker, recordingLink('p6'), 'vc1', 'b');
    assert.deepEqual(foreign.t === 'token.deny' && [foreign.code, foreign.message], ['not_allowed', 'the p6 server may not use vsphere endpoint vc1']);
    assert.equal(t.approver.prompts.length, 0);
    // Security (R10-attack): a denial of what the child may never have carries its pid, so the
    // host counts it against that child's refused-frame budget.
    assert.deepEqual(t.audit.filter((r) => r.event === 'token.denied').map((r) => [r.endpoint, r.code, r.pid]), [['nope', 'invalid', 4242], ['vc1', 'not_allowed', 4242]], 'a refusal the child asked for is not charged to its pid');
  });

  it('charges no pid for a denial the child did not ask for (the user said no)', async () => {
    const t = makeBroker();
    const shown = t.approver.nextPrompt();
    const r = ask(t.broker, recordingLink('p6'), 'pm', 'a');
    await shown;
    t.approver.answer('deny');
    const denied = await r;
    assert.equal(denied.t === 'token.deny' && denied.code, 'denied', 'the user\'s no is a denial');
    const record = t.audit.find((x) => x.event === 'token.denied');
    assert.ok(record !== undefined && !('pid' in record), `a user's denial was charged to the child's budget: ${JSON.stringify(record)}`);
  });

  it('a link without a pid is refused all the same, with no pid in the record', async () => {
    const t = makeBroker();
    const link = { ...recordingLink('vsphere'), pid: undefined };
    const frames: unknown[] = [];
    const handle = t.broker.attachChild({ ...link, send: (f) => void frames.push(f) });
    handle.accept({ ch: 'broker', t: 'token.request', id: 'a', endpoint: 'nope' });
    while (frames.length === 0) await new Promise((r) => setImmediate(r));
    const record = t.audit.find((x) => x.event === 'token.denied');
    assert.ok(record !== undefined && !('pid' in record), `a record names a pid the link does not have: ${JSON.stringify(record)}`);
  });

  it('hands a vSphere child the vAPI REST session made with the same login', async () => {
    const t = makeBroker();
    t.vsphere.withRestToken = true;
    const g = await askAnswered(t.broker, t.approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-once');
    assert.deepEqual(g.t === 'token.grant' && [g.token, g.restToken], ['tok-vc1-1', 'api-vc1-1'], 'the grant lacks the REST session');
  });
});
