// `keybroker serve` as a user runs it: a real process on a real control socket.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { KEYBROKER_BIN, runKeybroker, waitFor } from '../support/keybroker-cli.js';
import { readAudit } from '../../src/platform/audit/read-audit.js';

function startServe(env: NodeJS.ProcessEnv): { proc: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [KEYBROKER_BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, stderr: () => err, exited };
}

describe('keybroker serve', () => {
  let ss: SecretService;
  let home: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    ss = await startSecretService();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-serve-'));
    env = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
  });
  after(async () => {
    await ss?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('serves, refuses a second instance, reports status, and stops cleanly on Ctrl-C', async () => {
    const serve = startServe(env);
    await waitFor('serving line', () => (serve.stderr().includes('serving from') ? true : undefined), 15_000);

    const second = await runKeybroker(['serve'], { env });
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`already running for this home \\(pid ${serve.proc.pid}`));
    assert.equal(second.stderr.trim().split('\n').length, 1);

    const status = await runKeybroker(['status', '--json'], { env });
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as { host: { running: boolean; pid: number } };
    assert.deepEqual([parsed.host.running, parsed.host.pid], [true, serve.proc.pid]);

    serve.proc.kill('SIGINT');
    assert.equal(await serve.exited, 0);
    assert.equal(fs.existsSync(path.join(home, 'host.lock')), false);
    assert.equal(fs.existsSync(path.join(home, 'control.sock')), false);
    assert.deepEqual(readAudit(home).records.map((r) => r.event).filter((e) => e.startsWith('host.')), ['host.started', 'host.stopped']);
    const after = JSON.parse((await runKeybroker(['status', '--json'], { env })).stdout) as { host: { running: boolean } };
    assert.equal(after.host.running, false);
  });

  it('treats a Ctrl-C delivered twice at once (terminal group + npm) as one, and still cleans up', async () => {
    const serve = startServe(env);
    await waitFor('serving line', () => (serve.stderr().includes('serving from') ? true : undefined), 15_000);
    serve.proc.kill('SIGINT');
    serve.proc.kill('SIGINT');
    assert.equal(await serve.exited, 0);
    assert.equal(fs.existsSync(path.join(home, 'host.lock')), false);
  });

  it('refuses to start on a broken config.json with one line naming the field, and leaves it untouched', async () => {
    const broken = JSON.stringify({ version: 1, endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1/sdk', username: 'u', readOnly: 'no', tls: { verify: true }, credential: 'endpoint:vc1' }], credentials: [{ id: 'endpoint:vc1' }] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-serve-bad-'));
    fs.writeFileSync(path.join(dir, 'config.json'), broken, { mode: 0o600 });
    const r = await runKeybroker(['serve'], { env: { ...env, KEYBROKER_HOME: dir } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /endpoints\[0\]\.readOnly/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), broken);
    assert.equal(fs.existsSync(path.join(dir, 'host.lock')), false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
