import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import { KEYCHAIN_SERVICE } from '../../src/platform/keychain/keychain.js';
import { startSecretService, type SecretService } from './secret-service.js';

/**
 * `secret-tool` (libsecret-tools) on the harness bus: an independent Secret Service
 * client, so these tests prove items really live in gnome-keyring and not in some
 * fallback. keyring-rs stores the attributes `service` and `username`.
 */
async function secretTool(ss: SecretService, args: string[], input?: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('secret-tool', args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...ss.env }, timeout: 10_000 }, (err, stdout) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error('secret-tool not found: apt-get install libsecret-tools'));
      else resolve({ code: err ? Number(err.code ?? 1) : 0, stdout });
    });
    child.stdin?.end(input ?? '');
  });
}

const entry = (account: string) => new AsyncEntry(KEYCHAIN_SERVICE, account, { linux: { store: 'secret-service' } });

describe('startSecretService()', () => {
  let ss: SecretService;
  const realBus = process.env['DBUS_SESSION_BUS_ADDRESS'];

  before(async () => {
    ss = await startSecretService();
    ss.apply();
  });
  after(async () => {
    await ss?.stop();
  });

  it('runs its own bus inside its temp dir, never the session bus it was started from', () => {
    assert.ok(ss.env['DBUS_SESSION_BUS_ADDRESS']?.startsWith(`unix:path=${ss.dir}/run/bus,`), 'the bus address is a socket inside the temp dir');
    assert.notEqual(ss.env['DBUS_SESSION_BUS_ADDRESS'], realBus);
    assert.equal(process.env['DBUS_SESSION_BUS_ADDRESS'], ss.env['DBUS_SESSION_BUS_ADDRESS']);
    assert.ok(ss.env['HOME']?.startsWith(ss.dir), 'HOME is inside the temp dir');
    assert.equal(fs.statSync(ss.env['XDG_RUNTIME_DIR'] ?? '').mode & 0o777, 0o700);
  });

  it('has an unlocked login collection that @napi-rs/keyring writes to and secret-tool reads from', async () => {
    await entry('smoke-1').setPassword('pa55-wörd');
    const found = await secretTool(ss, ['lookup', 'service', KEYCHAIN_SERVICE, 'username', 'smoke-1']);
    assert.deepEqual(found, { code: 0, stdout: 'pa55-wörd' });
    assert.ok(fs.existsSync(`${ss.env['XDG_DATA_HOME']}/keyrings/login.keyring`), 'gnome-keyring persisted the login keyring in the harness dir');
  });

  it('lets @napi-rs/keyring read an item that secret-tool stored', async () => {
    const stored = await secretTool(ss, ['store', '--label=smoke', 'service', KEYCHAIN_SERVICE, 'username', 'smoke-2'], 'from-secret-tool');
    assert.equal(stored.code, 0);
    assert.equal(await entry('smoke-2').getPassword(), 'from-secret-tool');
  });

  it('deletes for real: secret-tool no longer finds the item', async () => {
    assert.equal(await entry('smoke-1').deletePassword(), true);
    assert.deepEqual(await secretTool(ss, ['lookup', 'service', KEYCHAIN_SERVICE, 'username', 'smoke-1']), { code: 1, stdout: '' });
    assert.equal(await entry('smoke-1').getPassword(), null);
  });
});

describe('SecretService.stop()', () => {
  it('kills both daemons and removes the temp dir', async () => {
    const ss = await startSecretService();
    try {
      assert.equal(ss.pids.length, 2);
      await ss.stop();
      assert.equal(fs.existsSync(ss.dir), false);
      for (const pid of ss.pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    } finally {
      await ss.stop(); // idempotent
    }
  });

  it('restores the environment that apply() changed', async () => {
    const before = process.env['XDG_CACHE_HOME'];
    const ss = await startSecretService();
    try {
      ss.apply();
      assert.equal(process.env['XDG_CACHE_HOME'], ss.env['XDG_CACHE_HOME']);
      await ss.stop();
      assert.equal(process.env['XDG_CACHE_HOME'], before);
    } finally {
      await ss.stop(); // idempotent
    }
  });
});

describe('startSecretService() when gnome-keyring-daemon crashes while starting', () => {
  it('starts it again (a daemon that aborts before it is ready), and the keyring then works', async () => {
    // A gnome-keyring-daemon on PATH that aborts on its first start only, as the real one
    // sometimes does (a GLib assertion during its start-up), then runs the real one.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-gk-crash-'));
    const marker = path.join(dir, 'crashed');
    const real = execFileSync('sh', ['-c', 'command -v gnome-keyring-daemon'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(path.join(dir, 'gnome-keyring-daemon'), `#!/bin/sh\nif [ ! -e '${marker}' ]; then : > '${marker}'; cat >/dev/null; kill -ABRT $$; fi\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const savedPath = process.env['PATH'];
    process.env['PATH'] = `${dir}:${savedPath ?? '/usr/bin:/bin'}`;
    let ss: SecretService | undefined;
    try {
      ss = await startSecretService();
      assert.ok(fs.existsSync(marker), 'the first start crashed');
      // Through secret-tool on the new bus (@napi-rs/keyring keeps its first bus per process).
      const stored = await secretTool(ss, ['store', '--label=probe', 'service', 'kb-crash-retry', 'username', 'probe'], 'after a crash');
      assert.equal(stored.code, 0);
      assert.equal((await secretTool(ss, ['lookup', 'service', 'kb-crash-retry', 'username', 'probe'])).stdout, 'after a crash');
    } finally {
      process.env['PATH'] = savedPath;
      await ss?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
