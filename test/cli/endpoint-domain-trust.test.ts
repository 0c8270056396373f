// X2-domainpin on the command line: `endpoint add` may reuse a stored domain password without
// --password-stdin, and its login test sends that password to the new endpoint at once, before
// anything is stored and without a prompt. A pin or CA file nobody typed the domain password
// for would get it; now that needs the password typed again, as in the settings window. The
// logins record what they were given (the real TLS path is domain-pin-attack.test.ts's).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Config } from '../../src/base/contracts/config.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import type { Endpoint } from '../../src/base/contracts/endpoint.js';
import type { UpstreamLogin, UpstreamSession } from '../../src/platform/broker/upstream-login.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { createTestPki, type TestPki } from '../support/openssl-pki.js';
import { runIn } from './harness.js';

const FP_A = 'aa'.repeat(32);
const FP_EVIL = 'ee'.repeat(32);
const FP_EVIL_NORMAL = 'EE:'.repeat(31) + 'EE';
const REFUSED = /^keybroker endpoint: enter the domain password again with --password-stdin to trust its (certificate pin|CA file|certificate pin and CA file) for \w+: without it, corp\.example's stored password goes only to servers checked by the system's trust store or by the pin or CA file of another corp\.example endpoint\n$/;

/** Accepts every login and remembers where each password went. */
class RecordingLogin implements UpstreamLogin {
  readonly sent: Array<{ id: string; pin?: string; caFile?: string; password: string }> = [];
  /** Runs during the next login test: another command changing config.json meanwhile. */
  meanwhile: (() => void) | undefined;
  async login(endpoint: Endpoint, password: string): Promise<UpstreamSession> {
    this.sent.push({ id: endpoint.id, pin: endpoint.tls.fingerprintSha256, caFile: endpoint.tls.caFile, password });
    this.meanwhile?.();
    this.meanwhile = undefined;
    return { token: 't' };
  }
  async logout(): Promise<void> {}
}

describe('keybroker endpoint add/update: a stored domain password and a trust of its own (X2-domainpin)', () => {
  let pki: TestPki;
  let caFile: string;
  let base: string;
  let home: string;
  let keychain: MemoryKeychain;
  let recorder: RecordingLogin;
  const cli = (argv: string[], stdin?: string) => runIn(home, argv, { keychain, logins: { vsphere: recorder, p6: recorder }, ...(stdin === undefined ? {} : { stdin }) });
  const inDomain = (name: string) => ['vsphere', name, '--url', `https://${name}.corp.example`, '--user', 'svc', '--domain', 'corp.example'];
  const config = () => fs.readFileSync(path.join(home, 'config.json'), 'utf8');
  const leaked = () => recorder.sent.filter((s) => s.password === 'domain-password' && s.id === 'evil');

  before(() => {
    pki = createTestPki();
    caFile = path.join(os.tmpdir(), `kb-domain-trust-ca-${process.pid}.pem`);
    fs.writeFileSync(caFile, pki.ca.cert);
  });
  after(() => {
    pki.remove();
    fs.rmSync(caFile, { force: true });
  });
  beforeEach(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-domain-trust-'));
    home = path.join(base, 'home');
    keychain = new MemoryKeychain();
    recorder = new RecordingLogin();
    const r = await cli(['endpoint', 'add', ...inDomain('vc1'), '--fingerprint', FP_A, '--password-stdin'], 'domain-password\n');
    assert.equal(r.code, 0, `the user adds vc1 with the domain password: ${r.stderr}`);
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('Security: `endpoint add` without --password-stdin refuses a pin or CA file of its own, before its login test sends the password anywhere', async () => {
    const before = config();
    for (const trust of [['--fingerprint', FP_EVIL], ['--ca', caFile], ['--fingerprint', FP_EVIL, '--ca', caFile]]) {
      const r = await cli(['endpoint', 'add', ...inDomain('evil'), ...trust]);
      assert.equal(leaked().length, 0, `the login test sent the domain password to evil's own trust (${trust.join(' ')})`);
      assert.equal(r.code, 2, `refused with exit 2 (${trust.join(' ')})`);
      assert.match(r.stderr, REFUSED, 'the one line says to pipe in the domain password');
    }
    assert.equal(config(), before, 'config.json unchanged');
  });

  it('Security: `endpoint update` without --password-stdin may not give a domain endpoint a pin or CA file no endpoint of the domain has', async () => {
    const before = config();
    for (const change of [['--fingerprint', FP_EVIL], ['--url', 'https://evil.corp.example', '--fingerprint', FP_EVIL], ['--ca', caFile]]) {
      const r = await cli(['endpoint', 'update', 'vc1', ...change]);
      assert.equal(recorder.sent.filter((s) => s.password === 'domain-password' && (s.pin === FP_EVIL_NORMAL || s.caFile !== undefined)).length, 0, `the login test sent the domain password to a new trust (${change.join(' ')})`);
      assert.equal(r.code, 2, `refused with exit 2 (${change.join(' ')})`);
      assert.match(r.stderr.replace('for vc1', 'for evil'), REFUSED, 'the one line says to pipe in the domain password');
    }
    assert.equal(config(), before, 'config.json unchanged');
  });

  it('another host with the system\'s trust store or vc1\'s pin needs no password; a new pin with the password typed again is the user\'s choice', async () => {
    assert.equal((await cli(['endpoint', 'add', ...inDomain('vc2')])).code, 0, 'the system trust store');
    assert.equal((await cli(['endpoint', 'add', ...inDomain('vc3'), '--fingerprint', FP_A])).code, 0, 'vc1\'s pin');
    assert.equal((await cli(['endpoint', 'update', 'vc2', '--fingerprint', FP_A])).code, 0, 'an update to vc1\'s pin');
    assert.equal((await cli(['endpoint', 'update', 'vc2', '--url', 'https://vc20.corp.example'])).code, 0, 'an update that keeps its pin');
    const typed = await cli(['endpoint', 'add', ...inDomain('evil'), '--fingerprint', FP_EVIL, '--password-stdin'], 'domain-password\n');
    assert.equal(typed.code, 0, `typed again: ${typed.stderr}`);
    // Now evil's pin is one the domain password was typed for.
    assert.equal((await cli(['endpoint', 'update', 'vc3', '--fingerprint', FP_EVIL, '--no-verify'])).code, 0, 'evil\'s pin, typed for');
    assert.deepEqual(Config.parse(JSON.parse(config())).endpoints.map((e) => e.id), ['vc1', 'vc2', 'vc3', 'evil'], 'all added');
    assert.deepEqual(recorder.sent.map((s) => `${s.id}:${s.password}`), ['vc1', 'vc2', 'vc3', 'vc2', 'vc20', 'evil'].map((id) => `${id === 'vc20' ? 'vc2' : id}:domain-password`), 'the login tests, each with the domain password');
  });

  it('Security: the pin of an endpoint removed while the login test ran vouches for nothing: checked again under the config lock', async () => {
    assert.equal((await cli(['endpoint', 'add', ...inDomain('vc2')])).code, 0, 'vc2 on the system trust store');
    const removeVc1 = () => new ConfigStore(home).update((c) => ({ ...c, endpoints: c.endpoints.filter((e) => e.id !== 'vc1') }));
    recorder.meanwhile = removeVc1;
    let r = await cli(['endpoint', 'add', ...inDomain('vc3'), '--fingerprint', FP_A]);
    assert.equal(r.code, 2, 'add: vc1 and its pin went during the login test');
    assert.match(r.stderr.replace('for vc3', 'for evil'), REFUSED, 'the one line');
    // Put vc1 back and race an update the same way.
    assert.equal((await cli(['endpoint', 'add', ...inDomain('vc1'), '--fingerprint', FP_A, '--password-stdin'], 'domain-password\n')).code, 0, 'vc1 again');
    recorder.meanwhile = removeVc1;
    r = await cli(['endpoint', 'update', 'vc2', '--fingerprint', FP_A]);
    assert.equal(r.code, 2, 'update: vc1 and its pin went during the login test');
    assert.deepEqual(Config.parse(JSON.parse(config())).endpoints.map((e) => [e.id, e.tls.fingerprintSha256]), [['vc2', undefined]], 'neither vc3 nor vc2\'s new pin was stored');
  });
});
