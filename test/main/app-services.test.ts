import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { AppServices } from '../../src/main/app-services.js';
import { FakeUpstreamLogin } from '../mocks/fake-upstream-login.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { passwordOf } from '../support/password-of.js';
import type { Endpoint } from '../../src/base/contracts/endpoint.js';
import { decodePassword, routePassword } from '../../src/platform/keychain/password-envelope.js';

const form = { id: 'vc1', kind: 'vsphere' as const, url: 'https://vc1.corp.example', username: 'admin', readOnly: false, ttlSeconds: 7200 };

describe('AppServices (settings window operations)', () => {
  let home: string;
  let keychain: MemoryKeychain;
  let reloads: string[][];
  let services: AppServices;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-services-'));
    keychain = new MemoryKeychain();
    reloads = [];
    const login = new FakeUpstreamLogin('right');
    services = new AppServices({
      home, keychain, logins: { vsphere: login, p6: login },
      host: { reloadConfig: async (changed) => (reloads.push([...changed]), { endpoints: 0 }) },
      installInClaude: async () => ({ configPath: '/c.json', changes: [] }),
    });
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('add: password to the keychain, never to config.json; host reloads the credential', async () => {
    await services.saveEndpoint({ ...form, password: 'pw-123' }, 'add');
    assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), 'pw-123');
    assert.doesNotMatch(fs.readFileSync(new ConfigStore(home).paths.config, 'utf8'), /pw-123/);
    assert.deepEqual(reloads, [['endpoint:vc1']]);
    assert.deepEqual(services.listEndpoints().map((e) => [e.id, e.ttlSeconds]), [['vc1', 7200]]);
    assert.ok(!('password' in services.listEndpoints()[0]!), 'a listed endpoint carries no password field');
  });

  it('add needs a password; a refused form rolls the keychain back', async () => {
    await assert.rejects(services.saveEndpoint(form, 'add'), { code: 'CORE_SETTINGS_INVALID' });
    await services.saveEndpoint({ ...form, password: 'first' }, 'add');
    await assert.rejects(services.saveEndpoint({ ...form, password: 'second' }, 'add'), /already exists/);
    assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), 'first');
  });

  it('a second endpoint of a domain shares its password without typing it again; the first needs one', async () => {
    const shared = { ...form, domain: 'corp.example' };
    await assert.rejects(services.saveEndpoint(shared, 'add'), /enter the password/);
    await services.saveEndpoint({ ...shared, password: 'pw-dom' }, 'add');
    await services.saveEndpoint({ ...shared, id: 'vc2', url: 'https://vc2.corp.example' }, 'add');
    assert.deepEqual([...keychain.items.keys()], ['domain:corp.example']);
    assert.deepEqual(services.listEndpoints().map((e) => [e.id, e.domain]), [['vc1', 'corp.example'], ['vc2', 'corp.example']]);
    assert.deepEqual(reloads, [['domain:corp.example'], []]);
  });

  // D225 (Z6's finding): config.json gains an in-domain endpoint with its own pin.
  it('Security: a domain password typed in Settings is bound to the endpoint saved and those bound before, not to a planted pin', async () => {
    const shared = { ...form, domain: 'corp.example' };
    await services.saveEndpoint({ ...shared, password: 'pw-old' }, 'add');
    await services.saveEndpoint({ ...shared, id: 'vc2', url: 'https://vc2.corp.example', password: 'pw-old' }, 'add');
    const file = new ConfigStore(home).paths.config;
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { endpoints: Endpoint[] };
    const evil: Endpoint = { ...config.endpoints[0]!, id: 'evil', url: 'https://evil.corp.example/sdk', tls: { verify: true, fingerprintSha256: 'ee'.repeat(32) } };
    fs.writeFileSync(file, JSON.stringify({ ...config, endpoints: [...config.endpoints, evil] }), { mode: 0o600 });
    await services.saveEndpoint({ ...shared, password: 'pw-new' }, 'edit');
    const item = decodePassword(keychain.items.get('domain:corp.example')!);
    assert.deepEqual({ password: item.password, origins: item.bindings?.map((b) => b.origin), was: item.was }, { password: 'pw-new', origins: ['https://vc1.corp.example', 'https://vc2.corp.example'], was: undefined }, 'vc1 saved, vc2 bound before; not the planted host');
    assert.equal(routePassword(evil, item).ok, false, 'the planted pin gets nothing');
  });

  // C2-tidy (the ipc area's mutation run over saveEndpoint's keychain lines).
  it('a refused add whose typed password was the first of its credential leaves no keychain item behind', async () => {
    await services.saveEndpoint({ ...form, password: 'pw' }, 'add');
    await assert.rejects(services.saveEndpoint({ ...form, domain: 'corp.example', password: 'pw-dom' }, 'add'), /already exists/, 'the form\'s own refusal, not a rollback error');
    assert.equal(keychain.items.has('domain:corp.example'), false, 'the new credential\'s item is deleted again');
    assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), 'pw', 'the other credential is untouched');
  });

  it('an untyped domain save binds the stored password to the endpoint it saved; an untyped own-credential edit reads no keychain item', async () => {
    const shared = { ...form, domain: 'corp.example' };
    await services.saveEndpoint({ ...shared, password: 'pw-dom' }, 'add');
    await services.saveEndpoint({ ...shared, id: 'vc2', url: 'https://vc2.corp.example' }, 'add');
    assert.deepEqual(decodePassword(keychain.items.get('domain:corp.example')!).bindings?.map((b) => b.origin), ['https://vc1.corp.example', 'https://vc2.corp.example'], 'vc2 is bound without the password typed again');
    await services.saveEndpoint({ ...form, id: 'vc3', url: 'https://vc3.corp.example', password: 'pw3' }, 'add');
    keychain.calls.length = 0;
    assert.deepEqual(await services.saveEndpoint({ ...form, id: 'vc3', url: 'https://vc3.corp.example', readOnly: true }, 'edit'), { id: 'vc3' }, 'saved, no warning');
    assert.deepEqual(keychain.calls, [], 'a save without a password of an endpoint\'s own credential never touches the keychain (a locked one may prompt)');
  });

  it('edit without a password keeps the stored one; remove deletes it', async () => {
    await services.saveEndpoint({ ...form, password: 'pw' }, 'add');
    await services.saveEndpoint({ ...form, readOnly: true }, 'edit');
    assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), 'pw');
    assert.equal(services.listEndpoints()[0]?.readOnly, true);
    await services.removeEndpoint('vc1');
    assert.equal(keychain.items.has('endpoint:vc1'), false);
    assert.deepEqual(services.listEndpoints(), []);
  });

  it('Test connection logs in with the typed password and stores nothing', async () => {
    assert.equal((await services.testEndpoint({ ...form, password: 'right' })).ok, true);
    const bad = await services.testEndpoint({ ...form, password: 'wrong' });
    assert.equal(bad.ok, false);
    assert.deepEqual(keychain.calls, []);
  });

  it('HTTP door: enabling creates an API key; CORS origins are checked', async () => {
    await services.setHttpSettings({ enabled: true, port: 47100, corsOrigins: ['https://app.example'] });
    assert.match((await services.revealApiKey()).apiKey ?? '', /^kb_/);
    await assert.rejects(services.setHttpSettings({ enabled: true, port: 47100, corsOrigins: ['not an origin'] }), { code: 'CORE_SETTINGS_INVALID' });
    const before = (await services.revealApiKey()).apiKey;
    const { apiKey } = await services.regenerateApiKey();
    assert.notEqual(apiKey, before);
  });

  it('power setting round-trips through config.json', () => {
    assert.deepEqual(services.powerSettings(), { lockOnScreenLock: true });
    services.setPowerSettings({ lockOnScreenLock: false });
    assert.equal(new ConfigStore(home).load().unlock.lockOnScreenLock, false);
  });
});
