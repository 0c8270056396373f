import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NapiKeychain } from '../../../src/platform/keychain/napi-keychain.js';
import { startSecretService, type SecretService } from '../../support/secret-service.js';
import type { ChildOutcome } from './napi-keychain-child.js';
import { TEST_SERVICE } from './napi-keychain-service.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const CHILD = path.join(here, 'napi-keychain-child.ts');

/** One keychain operation in a fresh Node process with `env` on top of ours (see napi-keychain-child.ts). */
function inChild(env: Record<string, string>, op: string, account: string, stdin = ''): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', CHILD, op, account], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`child ${op} failed: ${err.message} ${stderr}`));
      else resolve(JSON.parse(stdout) as ChildOutcome);
    });
    child.stdin?.end(stdin);
  });
}

/** Read an item with secret-tool, independently of the library under test. */
function secretToolLookup(ss: SecretService, account: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('secret-tool', ['lookup', 'service', TEST_SERVICE, 'username', account], { env: { PATH: process.env['PATH'] ?? '', ...ss.env } }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

describe('NapiKeychain on a real Secret Service', () => {
  let ss: SecretService;
  const keychain = new NapiKeychain(TEST_SERVICE);

  before(async () => {
    ss = await startSecretService();
    ss.apply(); // Before the first keychain call: libdbus reads the bus address once.
  });
  after(async () => {
    await ss?.stop();
  });

  it('set() stores under its service with the credential id as account; get() reads it back', async () => {
    await keychain.set('vc-prod', 's3cret!');
    assert.equal(await keychain.get('vc-prod'), 's3cret!');
    assert.equal(await secretToolLookup(ss, 'vc-prod'), 's3cret!');
  });

  it('set() overwrites in place rather than adding a second item', async () => {
    await keychain.set('p6-main', 'first');
    await keychain.set('p6-main', 'second');
    assert.equal(await keychain.get('p6-main'), 'second');
    assert.equal(await keychain.delete('p6-main'), true);
    // A duplicate would survive the delete and still be found.
    assert.equal(await keychain.get('p6-main'), undefined);
    assert.equal(await secretToolLookup(ss, 'p6-main'), undefined);
  });

  it('get() of a missing item is undefined', async () => {
    assert.equal(await keychain.get('never-stored'), undefined);
  });

  it('delete() is true for an existing item, then the item is gone and a second delete() is false', async () => {
    await keychain.set('to-delete', 'x');
    assert.equal(await keychain.delete('to-delete'), true);
    assert.equal(await keychain.get('to-delete'), undefined);
    assert.equal(await keychain.delete('to-delete'), false);
  });

  it('keeps unicode secrets byte for byte', async () => {
    const secrets = ['pässwörd', '密码🔑', 'e\u0301 vs \u00e9', ' leading and trailing ', 'x'.repeat(4096), '"quotes" \\ and\nnewline'];
    for (const [i, secret] of secrets.entries()) {
      await keychain.set(`unicode-${i}`, secret);
      assert.equal(await keychain.get(`unicode-${i}`), secret);
    }
  });

  it('probe() reports the keychain available', async () => {
    assert.deepEqual(await keychain.probe(), { available: true });
  });

  it('isolates accounts: deleting one leaves the other', async () => {
    await keychain.set('a', '1');
    await keychain.set('b', '2');
    await keychain.delete('a');
    assert.equal(await keychain.get('b'), '2');
  });
});

describe('NapiKeychain without a Secret Service', () => {
  let ss: SecretService;
  let nowhere: Record<string, string>;

  before(async () => {
    ss = await startSecretService();
    nowhere = { ...ss.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${ss.dir}/run/no-such-bus` };
  });
  after(async () => {
    await ss?.stop();
  });

  it('set() fails with CORE_KEYCHAIN_UNAVAILABLE, says what to install, and never echoes the secret', async () => {
    const outcome = await inChild(nowhere, 'set', 'offline', 'do-not-leak-me');
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.error.code, 'CORE_KEYCHAIN_UNAVAILABLE');
    assert.match(outcome.error.message, /apt-get install gnome-keyring/);
    // The Secret Service was what failed, not a fallback store tried after it.
    assert.match(outcome.error.detail ?? '', /DBus error: Failed to connect to socket .*no-such-bus/);
    assert.doesNotMatch(outcome.error.message, /do-not-leak-me/);
  });

  it('did not fall back to another store: a get in the same environment fails too, and keyutils holds nothing', async () => {
    const get = await inChild(nowhere, 'get', 'offline');
    assert.equal(get.ok ? 'succeeded' : get.error.code, 'CORE_KEYCHAIN_UNAVAILABLE');
    // Where the kernel keyring works (CI) it must be empty; where it does not (some containers) nothing can be in it.
    const keyutils = await inChild(nowhere, 'keyutils-get', 'offline');
    assert.ok(!keyutils.ok || keyutils.value === null, `keyutils holds ${JSON.stringify(keyutils)}`);
    // Nor did the write reach the real Secret Service by some other route.
    assert.deepEqual(await inChild(ss.env, 'get', 'offline'), { ok: true, value: null });
  });

  it('probe() reports unavailable with the same advice instead of throwing', async () => {
    const probe = await inChild(nowhere, 'probe', '');
    assert.equal(probe.ok, true);
    const value = probe.ok ? (probe.value as { available: boolean; error?: { code: string; message: string } }) : undefined;
    assert.equal(value?.available, false);
    assert.equal(value?.error?.code, 'CORE_KEYCHAIN_UNAVAILABLE');
    assert.match(value?.error?.message ?? '', /no Secret Service on the session bus/);
  });
});

describe('NapiKeychain with a locked keyring', () => {
  let ss: SecretService;

  before(async () => {
    ss = await startSecretService();
  });
  after(async () => {
    await ss?.stop();
  });

  it('get() and set() fail with CORE_KEYCHAIN_UNAVAILABLE saying to unlock, and never echo the secret', async () => {
    assert.deepEqual(await inChild(ss.env, 'set', 'locked-1', 'before-lock'), { ok: true, value: null });
    await ss.lock();

    const get = await inChild(ss.env, 'get', 'locked-1');
    assert.equal(get.ok ? 'succeeded' : get.error.code, 'CORE_KEYCHAIN_UNAVAILABLE');
    assert.match(get.ok ? '' : get.error.message, /keyring is locked: unlock the login keyring/);
    assert.doesNotMatch(JSON.stringify(get), /before-lock/);

    const set = await inChild(ss.env, 'set', 'locked-1', 'after-lock-secret');
    assert.equal(set.ok ? 'succeeded' : set.error.code, 'CORE_KEYCHAIN_UNAVAILABLE');
    assert.doesNotMatch(JSON.stringify(set), /after-lock-secret/);
  });
});
