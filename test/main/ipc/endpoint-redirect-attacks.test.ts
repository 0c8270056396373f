// R9-attack: a settings page running someone else's script tries to send a stored password to
// a server of its choosing, through the real IPC router, handlers and AppServices (config.json
// in a temp home, the keychain in memory). The next login would carry the stored password to
// wherever the endpoint points, without a prompt while the credential is unlocked.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AppServices } from '../../../src/main/app-services.js';
import type { MemoryKeychain } from '../../mocks/memory-keychain.js';
import { startSettingsWorld, type SettingsWorld } from './settings-world.js';
import { createTestPki } from '../../support/openssl-pki.js';
import { passwordOf } from '../../support/password-of.js';

const FP_A = 'AA:'.repeat(31) + 'AA';
const FP_B = 'BB:'.repeat(31) + 'BB';
const form = { id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example', username: 'admin', readOnly: false, ttlSeconds: 7200, fingerprintSha256: FP_A };


describe('the settings page cannot redirect a stored password (R9-attack)', () => {
  let world: SettingsWorld;
  let home: string;
  let keychain: MemoryKeychain;
  let services: AppServices;
  const invoke = (channel: string, payload: unknown) => world.invoke(channel, payload);
  const stored = () => services.listEndpoints()[0]!;

  beforeEach(async () => {
    world = startSettingsWorld('kb-redirect-');
    ({ home, keychain, services } = world);
    assert.equal((await invoke('endpoints:add', { ...form, password: 'the-password' })).ok, true);
  });
  afterEach(() => world.dispose());

  it('Security: an edit without the password may not move the endpoint to another host, port or scheme, nor change its pinned certificate', async () => {
    const moves: Array<Record<string, unknown>> = [
      { url: 'https://evil.example' },
      { url: 'https://vc1.corp.example.evil.example' },
      { url: 'https://vc1.corp.example:8443' },
      { url: 'http://127.0.0.1:8080', fingerprintSha256: undefined },
      { fingerprintSha256: FP_B },
      { fingerprintSha256: undefined },
    ];
    for (const change of moves) {
      const res = await invoke('endpoints:edit', JSON.parse(JSON.stringify({ ...form, ...change })));
      assert.equal(res.ok, false, `accepted ${JSON.stringify(change)}`);
      if (!res.ok) assert.match(res.error.message, /enter the password again to change where vc1 logs in/);
    }
    assert.equal(stored().url, 'https://vc1.corp.example/sdk');
    assert.equal(stored().fingerprintSha256, FP_A);
    assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), 'the-password');
  });

  it('Security: an edit without the password may not give the endpoint a CA file of its own', async () => {
    const pki = createTestPki();
    const caFile = path.join(home, 'other-ca.pem');
    try {
      fs.writeFileSync(caFile, pki.ca.cert);
      const res = await invoke('endpoints:edit', { ...form, caFile });
      assert.equal(res.ok, false, 'a CA file of its own without the password');
      if (!res.ok) assert.match(res.error.message, /enter the password again to change where vc1 logs in/, 'D172\'s line');
      assert.equal(stored().caFile, undefined, 'no CA file stored');
    } finally {
      pki.remove();
    }
  });

  it('compares an edit with the endpoint of its own name, not another one', async () => {
    assert.equal((await invoke('endpoints:add', { ...form, id: 'vc2', url: 'https://vc2.corp.example', password: 'pw2' })).ok, true, 'vc2 added');
    assert.equal((await invoke('endpoints:edit', { ...form, id: 'vc2', url: 'https://vc2.corp.example', readOnly: true })).ok, true, 'vc2 kept its server');
    assert.equal((await invoke('endpoints:edit', { ...form, id: 'vc2', url: 'https://vc1.corp.example' })).ok, false, 'vc2 may not move to vc1\'s server without its password');
  });

  it('an edit that keeps the server (a path, read-only, TTL, user) needs no password; a move with the password typed again is fine', async () => {
    assert.equal((await invoke('endpoints:edit', { ...form, url: 'https://VC1.corp.example/sdk', readOnly: true, ttlSeconds: 600, username: 'other' })).ok, true);
    assert.equal(stored().readOnly, true);
    assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), 'the-password');
    assert.equal((await invoke('endpoints:edit', { ...form, url: 'https://vc2.corp.example', fingerprintSha256: FP_B, password: 'typed-again' })).ok, true);
    assert.equal(stored().url, 'https://vc2.corp.example/sdk');
    assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), 'typed-again');
  });

  it('Security: with a domain password (typed for every host of the domain) an edit may move within the domain, but not change the certificate without it', async () => {
    const shared = { ...form, id: 'vc9', url: 'https://vc9.corp.example', domain: 'corp.example' };
    assert.equal((await invoke('endpoints:add', { ...shared, password: 'domain-password' })).ok, true);
    assert.equal((await invoke('endpoints:edit', { ...shared, url: 'https://vc10.corp.example' })).ok, true);
    const pinned = await invoke('endpoints:edit', { ...shared, url: 'https://vc10.corp.example', fingerprintSha256: FP_B });
    assert.equal(pinned.ok, false);
    if (!pinned.ok) assert.match(pinned.error.message, /enter the domain password again in the Password field to trust its certificate pin for vc9/);
    // Outside the domain the builder refuses it, password or not.
    assert.equal((await invoke('endpoints:edit', { ...shared, url: 'https://evil.example' })).ok, false);
    assert.equal(passwordOf(keychain.items.get('domain:corp.example')), 'domain-password');
  });
});
