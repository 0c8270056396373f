// Bubblewrap as an unprivileged user (uid 65534 through setpriv), in a file of its own: the
// user it becomes must be able to read the checkout, which StrykerJS's sandbox folder (0700)
// is not, so the `containment` mutation area runs sandbox.test.ts without it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

describe('bubblewrap as an unprivileged user (the desktop case; CI itself runs as root)', () => {
  const setpriv = '/usr/bin/setpriv';
  const canDrop = process.platform === 'linux' && process.getuid?.() === 0 && fs.existsSync(setpriv);
  it('works through a user namespace and still blocks unix sockets', { skip: !canDrop && 'needs root and setpriv to become an unprivileged user' }, async () => {
    const name = `kb-sbx-nobody-${process.pid}`;
    const server = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => server.listen({ path: `\0${name}` }, r));
    try {
      const probe = path.join(ROOT, 'test/fixtures/sandbox-probe.ts');
      const r = await new Promise<{ out: string; err: string }>((resolve) => {
        const c = spawn(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', probe, name], {
          cwd: ROOT, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TMPDIR: '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
        c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
        c.on('exit', () => resolve({ out, err }));
      });
      const report = JSON.parse(r.out.trim().split('\n').at(-1) ?? '{}') as { uid: number; isolation: string; note: string; abstract: string };
      assert.equal(report.uid, 65534, r.err);
      // Where the kernel forbids unprivileged user namespaces this is 'none', and says why.
      const userns = spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', 'unshare', '--user', 'true']).status === 0;
      if (!userns) {
        assert.equal(report.isolation, 'none');
        assert.match(report.note, /bubblewrap does not work here/);
        return;
      }
      assert.equal(report.isolation, 'bubblewrap', report.note);
      assert.equal(report.abstract, 'EACCES');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
