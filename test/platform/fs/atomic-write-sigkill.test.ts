// Integrity rule (D176): a process killed during an atomic write (SIGKILL between
// writing its temp file and renaming it over the file) leaves the old file whole, and the
// temp file it leaves is removed by the next write of the same file; so is the
// config.json.lock it held. A real child process is killed at that exact step: its test
// seam (test/fixtures/fs/killed-writer.ts) stops inside the write and says so through a file.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { until } from '../../support/wait.js';

const WRITER = path.resolve(import.meta.dirname, '../../fixtures/fs/killed-writer.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-sigkill-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('an atomic write killed before its rename', () => {
  it('leaves config.json whole, and the next write removes the temp file and takes over the lock', async () => {
    const home = path.join(root, 'home');
    const gate = path.join(root, 'gate');
    fs.mkdirSync(gate);
    const store = new ConfigStore(home);
    store.update((c) => ({ ...c, http: { ...c.http, port: 47_201 } }));
    const before = fs.readFileSync(store.paths.config, 'utf8');

    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, home, gate, '47202'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let tmp: string;
    try {
      await until('the writer to stop between its temp file and its rename', () => fs.existsSync(path.join(gate, 'temp-written')) || child.exitCode !== null);
      assert.equal(child.exitCode, null, `the writer ended on its own: ${out}`);
      tmp = fs.readFileSync(path.join(gate, 'temp-written'), 'utf8');
    } finally {
      child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL'); // Reaped: its pid is gone, not a zombie.

    // What the kill left: the new content complete in a private temp file named for the
    // writer's pid, the old config.json untouched, the writer's lock.
    assert.equal(path.dirname(tmp), home);
    assert.match(path.basename(tmp), new RegExp(`^\\.config\\.json\\.${child.pid}\\.[0-9a-f]{12}\\.tmp$`));
    assert.equal(fs.statSync(tmp).mode & 0o777, 0o600);
    assert.equal(JSON.parse(fs.readFileSync(tmp, 'utf8')).http.port, 47_202);
    assert.equal(fs.readFileSync(store.paths.config, 'utf8'), before);
    assert.equal(store.load().http.port, 47_201);
    assert.equal(Number.parseInt(fs.readFileSync(store.paths.configLock, 'utf8'), 10), child.pid);

    // The next write: takes the dead writer's lock over, sweeps its temp file, writes whole.
    store.update((c) => ({ ...c, http: { ...c.http, port: 47_203 } }));
    assert.deepEqual(fs.readdirSync(home).sort(), ['config.json'], 'a temp file or the lock was left');
    assert.equal(store.load().http.port, 47_203);
  });
});
