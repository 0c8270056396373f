// issue 10 item 9: a planted or foreign socket folder gets one line that says what to do,
// never "unexpected error, please report it". Real processes, as a user runs them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runKeybroker } from '../support/keybroker-cli.js';

describe('keybroker with a planted or foreign socket folder', () => {
  let base: string;
  let home: string;
  let runtime: string;
  let folder: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-h3-rt-'));
    // A home whose socket path passes 100 bytes, so the sockets move to XDG_RUNTIME_DIR/keybroker-<hash>.
    home = path.join(base, 'h'.repeat(100));
    runtime = path.join(base, 'run');
    fs.mkdirSync(runtime, { mode: 0o700 });
    folder = path.join(runtime, `keybroker-${crypto.createHash('sha256').update(home).digest('hex').slice(0, 10)}`);
    env = { ...process.env, KEYBROKER_HOME: home, XDG_RUNTIME_DIR: runtime };
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  /** Both a client (status) and the host (serve) refuse with exit 1 and one line matching `why`. */
  const refusedBoth = async (why: RegExp): Promise<void> => {
    for (const args of [['status'], ['serve']]) {
      const r = await runKeybroker(args, { env });
      assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /unexpected error|please report/);
      assert.match(r.stderr, new RegExp(`^keybroker ${args[0]}: ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(r.stderr, why);
      assert.match(r.stderr, /set KEYBROKER_HOME \(and XDG_RUNTIME_DIR, for the socket folder\) to folders you own, then retry/);
    }
    assert.equal(fs.existsSync(path.join(home, 'host.lock')), false, 'serve stopped before taking the lock');
  };

  it('refuses a file where the folder should be', async () => {
    fs.writeFileSync(folder, 'planted');
    try {
      await refusedBoth(/exists but is not a folder; move it aside/);
    } finally {
      fs.rmSync(folder, { force: true });
    }
  });

  it('refuses a symbolic link planted as the folder', async () => {
    fs.symlinkSync(base, folder);
    try {
      await refusedBoth(/is a symbolic link, not a folder; remove the link/);
    } finally {
      fs.rmSync(folder, { force: true });
    }
  });

  it('refuses a folder that belongs to another user', { skip: process.getuid?.() !== 0 && 'needs root to plant a folder owned by another user' }, async () => {
    fs.mkdirSync(folder);
    fs.chmodSync(folder, 0o777); // open to everyone: the planted kind
    fs.chownSync(folder, 65534, 65534);
    try {
      await refusedBoth(/belongs to another user \(uid 65534\), so it cannot be kept private; remove it/);
      assert.equal(fs.statSync(folder).mode & 0o777, 0o777, 'a foreign folder is not touched');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('tightens its own folder left with a loose mode, and works', async () => {
    fs.mkdirSync(folder, { mode: 0o755 });
    fs.chmodSync(folder, 0o777);
    try {
      const r = await runKeybroker(['status', '--json'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { host: { running: boolean } }).host.running, false);
      assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
