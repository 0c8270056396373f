// D2-modulebytes: a server config.json added is approved for the code it runs, not only its
// command. Its module and package.json are read once per start (bounded, one descriptor each),
// the digest goes with the start to the broker, and in the real bubblewrap the child runs
// exactly the bytes read: a writer who rewrites the files after the read (before node loads
// them) changes nothing the child runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { readModuleSnapshot, snapshotDigest } from '../../../src/platform/supervisor/module-snapshot.js';
import { detectSandbox } from '../../../src/platform/supervisor/sandbox/detect-sandbox.js';
import { noSandbox } from '../../../src/platform/supervisor/sandbox/sandbox.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';
import { cleanupSupervisors, makeSupervisor, next, SERVER_CHILD } from './supervisor-harness.js';

const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].find((p) => fs.existsSync(p));

describe('readModuleSnapshot()', () => {
  let dir = '';
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kb-snapshot-')));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the module and the nearest package.json once, by their real paths, with one digest over both', () => {
    const pkg = path.join(dir, 'a');
    fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"type":"commonjs"}');
    fs.writeFileSync(path.join(pkg, 'lib', 'index.js'), 'module.exports = 1;');
    fs.symlinkSync(path.join(pkg, 'lib', 'index.js'), path.join(dir, 'link.js'));
    const s = readModuleSnapshot(path.join(dir, 'link.js'));
    assert.deepEqual(s.files.map((f) => [f.path, Buffer.from(f.bytes).toString()]), [[path.join(pkg, 'lib', 'index.js'), 'module.exports = 1;'], [path.join(pkg, 'package.json'), '{"type":"commonjs"}']], 'the module by its real path, then its package.json');
    assert.match(s.sha256, /^[0-9a-f]{64}$/, 'a SHA-256');
    assert.equal(s.sha256, snapshotDigest(s.files), 'over the files read');
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"type":"module"}');
    assert.notEqual(readModuleSnapshot(path.join(pkg, 'lib', 'index.js')).sha256, s.sha256, 'a changed package.json is changed code (it decides how node loads the module)');
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"type":"commonjs"}');
    assert.equal(readModuleSnapshot(path.join(pkg, 'lib', 'index.js')).sha256, s.sha256, 'the same bytes at the same paths: the same digest');
    fs.appendFileSync(path.join(pkg, 'lib', 'index.js'), '\n');
    assert.notEqual(readModuleSnapshot(path.join(pkg, 'lib', 'index.js')).sha256, s.sha256, 'a changed module is changed code');
  });

  it('frames each file with its path and length: moving bytes between the two files changes the digest', () => {
    const one = snapshotDigest([{ path: '/m.js', bytes: Buffer.from('ab') }, { path: '/package.json', bytes: Buffer.from('c') }]);
    const other = snapshotDigest([{ path: '/m.js', bytes: Buffer.from('a') }, { path: '/package.json', bytes: Buffer.from('bc') }]);
    assert.notEqual(one, other, 'the split between the files counts');
    assert.notEqual(one, snapshotDigest([{ path: '/n.js', bytes: Buffer.from('ab') }, { path: '/package.json', bytes: Buffer.from('c') }]), 'the path counts');
  });

  it('reads a file of exactly the limit whole and refuses one byte more, for the module and the package.json, closing what it opened', { skip: process.platform !== 'linux' && 'counts /proc/self/fd' }, () => {
    const pkg = path.join(dir, 'limits');
    fs.mkdirSync(pkg);
    const module = path.join(pkg, 'index.js');
    fs.writeFileSync(path.join(pkg, 'package.json'), '{}');
    fs.writeFileSync(module, 'x'.repeat(10));
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const open = fds();
    assert.equal(readModuleSnapshot(module, { module: 10, packageJson: 2 }).files[0]!.bytes.length, 10, 'exactly the limit: read whole');
    assert.deepEqual(readModuleSnapshot(module, { module: 10, packageJson: 2 }).files.map((f) => f.bytes.length), [10, 2], 'and the package.json too');
    fs.writeFileSync(module, 'x'.repeat(11));
    assert.throws(() => readModuleSnapshot(module, { module: 10, packageJson: 2 }), (e: Error) => e.message === `the server module ${module} is larger than 10 bytes; bundle the server smaller or split it`, 'one byte over: refused, saying what to do');
    assert.throws(() => readModuleSnapshot(module, { module: 11, packageJson: 1 }), (e: Error) => e.message === `the package.json of the server module ${path.join(pkg, 'package.json')} is larger than 1 bytes; bundle the server smaller or split it`, 'a package.json over its limit: refused');
    assert.equal(fds(), open, 'every descriptor it opened is closed, refused or not');
  });

  it('refuses what is not a regular file, or a missing module, with a line that says what to do', { skip: process.platform === 'win32' && 'no FIFOs' }, () => {
    const fifo = path.join(dir, 'fifo.js');
    execFileSync('mkfifo', [fifo]);
    // Security: opened non-blocking and checked with fstat: a FIFO never blocks the host's start.
    assert.throws(() => readModuleSnapshot(fifo), /is not a regular file; point config\.json's servers at the module file/);
    assert.throws(() => readModuleSnapshot(path.join(dir, 'nowhere.js')), (e: Error) => /cannot read the server module .*nowhere\.js \(ENOENT\); fix the path in config\.json's servers/.test(e.message) && (e.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT', 'a missing module: the line, and the cause kept');
  });
});

describe('a config.json server\'s start and its code (D2-modulebytes)', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-snapshot-start-'));
  });
  afterEach(cleanupSupervisors);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('each start reads the module and carries its digest to the start event and the audit; a rewrite before a restart changes it', async () => {
    const module = path.join(dir, 'server-child.mjs');
    fs.copyFileSync(SERVER_CHILD, module);
    const h = makeSupervisor();
    const spec: ServerSpec = { name: 'vs-extra', kind: 'vsphere', modulePath: module, fromConfig: true };
    const started = next(h.sup.onDidStart, 'the first start');
    h.sup.add(spec);
    const first = await started;
    const expected = readModuleSnapshot(module).sha256;
    assert.equal(first.codeSha256, expected, 'the start names the digest of the code it runs');
    await h.ready(first.handle);
    assert.equal(h.audit.items.find((r) => r.event === 'child.started')?.codeSha256, expected, 'and its record');
    assert.equal(h.sup.status().find((c) => c.name === 'vs-extra')?.code, 'approved', 'status: node ran the entry as approved (D264)');
    // The writer rewrites the module; the server crashes and is started again.
    fs.appendFileSync(module, '\n// rewritten\n');
    const restarted = next(h.sup.onDidStart, 'the restart');
    await h.crash('vs-extra');
    h.clock.advance(60_000);
    const second = await restarted;
    assert.equal(second.codeSha256, readModuleSnapshot(module).sha256, 'the restart read the module again');
    assert.notEqual(second.codeSha256, expected, 'and its digest is of the new code');
  });

  it('a .ts module (an execArgv loader runs it from the disk) still starts, and its start says its approval does not hold for what runs (D263)', async () => {
    const module = path.join(dir, 'server-child.ts');
    fs.copyFileSync(SERVER_CHILD, module);
    const h = makeSupervisor();
    const started = next(h.sup.onDidStart, 'the start');
    h.sup.add({ name: 'vs-ts', kind: 'vsphere', modulePath: module, execArgv: ['--import', 'tsx'], fromConfig: true });
    const { handle, codeSha256 } = await started;
    assert.equal(codeSha256, readModuleSnapshot(module).sha256, 'its digest, as before');
    await h.ready(handle);
    assert.ok(h.logs.items.includes(`[vs-ts] ${module} is loaded from the disk, not from the bytes approved (node is handed only a .js, .cjs or .mjs entry), so a rewrite after its read at this start is not caught; build it into one .js, .cjs or .mjs file to run exactly what was approved`), `the line: ${h.logs.items.join(' | ')}`);
    assert.equal(h.sup.status().find((c) => c.name === 'vs-ts')?.code, 'disk', 'status: read from disk');
  });

  it('a launcher that cannot hand node the bytes (the desktop app\'s) makes the start say so, and status says disk (D264)', async () => {
    const module = path.join(dir, 'desktop-child.mjs');
    fs.copyFileSync(SERVER_CHILD, module);
    const node = new NodeLauncher({ sandbox: noSandbox('the test') });
    // As UtilityLauncher: no runsSnapshots.
    const h = makeSupervisor({ launcher: { isolation: node.isolation, isolationNote: node.isolationNote, launch: (s) => node.launch(s) } });
    const started = next(h.sup.onDidStart, 'the start');
    h.sup.add({ name: 'vs-desk', kind: 'vsphere', modulePath: module, fromConfig: true });
    await h.ready((await started).handle);
    assert.equal(h.sup.status().find((c) => c.name === 'vs-desk')?.code, 'disk', 'status: read from disk');
    assert.ok(h.logs.items.includes(`[vs-desk] ${module} is read from the disk when node loads it (this host's children take no preload), so a rewrite after its read at this start is not caught; run it with keybroker serve to run exactly what was approved`), `the line: ${h.logs.items.join(' | ')}`);
  });

  it('a built-in server\'s start reads nothing and names no digest', async () => {
    const h = makeSupervisor();
    const started = next(h.sup.onDidStart, 'the start');
    h.sup.add({ name: 'vsphere', kind: 'vsphere', modulePath: SERVER_CHILD });
    assert.equal((await started).codeSha256, undefined, 'no digest');
    assert.equal(h.sup.status().find((c) => c.name === 'vsphere')?.code, undefined, 'and no code line in status');
  });

  it('a module that cannot be read is not started: a launch failure with the reason', async () => {
    const h = makeSupervisor();
    h.sup.add({ name: 'vs-gone', kind: 'vsphere', modulePath: path.join(dir, 'gone.mjs'), fromConfig: true });
    const failed = await h.audit.wait('the failed start', (r) => r.event === 'child.started');
    assert.equal(failed.outcome, 'failed', 'not started');
    assert.equal(failed.code, 'launch_failed', 'counted as a launch failure');
    assert.match(String(failed.reason), /cannot read the server module .*gone\.mjs \(ENOENT\)/, 'with the reason');
  });

  it('a .js whose package.json is not JSON is not started either: node could not say how to run it (D263)', async () => {
    const pkg = path.join(dir, 'badpkg');
    fs.mkdirSync(pkg);
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"type":');
    fs.writeFileSync(path.join(pkg, 'index.js'), 'module.exports = 1;');
    const h = makeSupervisor();
    h.sup.add({ name: 'vs-badpkg', kind: 'vsphere', modulePath: path.join(pkg, 'index.js'), fromConfig: true });
    const failed = await h.audit.wait('the failed start', (r) => r.event === 'child.started');
    assert.equal(failed.code, 'launch_failed', 'a launch failure');
    assert.match(String(failed.reason), /^the package\.json of the server module .*badpkg\/package\.json is not valid JSON; fix it/, `with the reason: ${String(failed.reason)}`);
  });
});

describe('the real bubblewrap runs the bytes that were read, not what is on disk at the spawn (D2-modulebytes)', { skip: (process.platform !== 'linux' || !bwrap) && 'Linux with bubblewrap only' }, () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-snapshot-bwrap-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a module and package.json rewritten after the read: the child runs the module read, loaded as the package.json read says', async () => {
    const sandbox = detectSandbox(process.env, 'linux');
    assert.equal(sandbox.isolation, 'bubblewrap', sandbox.note);
    const pkg = fs.realpathSync(dir);
    const module = path.join(pkg, 'index.js');
    // What the person allowed: CommonJS (it calls require), as its package.json says.
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"type":"commonjs"}');
    fs.writeFileSync(module, "require('node:os'); process.stderr.write('the allowed code runs\\n');");
    const snapshot = readModuleSnapshot(module);
    // The writer's swap between the read and node's load of the files.
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"type":"module"}');
    fs.writeFileSync(module, "process.stderr.write('the rewritten code runs\\n');");
    // The bind alone (D263's preload, which serves the same bytes, is left out: a
    // snapshot without a format gets none), so this test still fails without the bind.
    const { format: _preloadOff, ...bindOnly } = snapshot;
    const child = new NodeLauncher({ sandbox }).launch({ name: 'vs-extra', modulePath: module, env: { PATH: '/usr/bin:/bin' }, snapshot: bindOnly, channel: false });
    const lines: string[] = [];
    child.onLog((l) => lines.push(l));
    const code = await new Promise<number | null>((r) => child.onExit((c) => r(c)));
    // Without the bind: 'the rewritten code runs' (or, with only the module bound, require undefined in an ES module).
    assert.deepEqual(lines, ['the allowed code runs'], 'the bytes read ran, as CommonJS');
    assert.equal(code, 0, 'and exited cleanly');
  });
});
