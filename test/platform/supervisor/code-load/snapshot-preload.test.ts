// D263: a config.json server runs the bytes its approval was given for, with no
// sandbox too. The host reads the entry and package.json once (readModuleSnapshot); a writer
// then swaps the files on disk before node loads them (here: between the read and the launch,
// the window a real race has). Without the preload node ran the rewritten files under the
// approved digest (isolation none: macOS, Linux without bubblewrap); with it, the child's preload
// takes the bytes from a pipe, checks their SHA-256 and serves them as the entry.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Launcher } from '../../../../src/platform/supervisor/launcher.js';
import { NodeLauncher } from '../../../../src/platform/supervisor/node-launcher.js';
import { readModuleSnapshot, type ModuleSnapshot } from '../../../../src/platform/supervisor/module-snapshot.js';
import { snapshotCodeLoad, snapshotPayload } from '../../../../src/platform/supervisor/code-load/snapshot-preload.js';
import { detectSandbox } from '../../../../src/platform/supervisor/sandbox/detect-sandbox.js';
import { FIRST_DATA_FD, noSandbox, type Sandbox } from '../../../../src/platform/supervisor/sandbox/sandbox.js';

import { cleanupSupervisors, makeSupervisor, next } from '../supervisor-harness.js';

const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].find((p) => fs.existsSync(p));

/** Run `module` as a config.json server child with `snapshot` and return its exit code and log lines. */
async function run(sandbox: Sandbox, module: string, snapshot: ModuleSnapshot, args: string[] = []): Promise<{ code: number | null; lines: string[] }> {
  const child = new NodeLauncher({ sandbox }).launch({ name: 'extra', modulePath: module, args, env: { PATH: '/usr/bin:/bin' }, snapshot, channel: false });
  const lines: string[] = [];
  child.onLog((l) => lines.push(l));
  const code = await new Promise<number | null>((r) => child.onExit((c) => r(c)));
  return { code, lines };
}

/** A package folder of its own under `root`, with `files` written in it; its real path. */
function pkg(root: string, name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return fs.realpathSync(dir);
}

/** The swap cases, run once with no sandbox and once in the real bubblewrap. */
function swapCases(sandbox: () => Sandbox, root: () => string): void {
  it('a CommonJS entry and its package.json swapped after the read: the approved bytes run, as CommonJS, requiring from the real folder', async () => {
    const dir = pkg(root(), 'cjs', {
      'package.json': '{"type":"commonjs"}',
      'dep.cjs': "module.exports = 'its relative require';",
      'index.js': "process.stderr.write(['the allowed code runs', require('./dep.cjs'), require.main === module, __filename, process.argv.slice(2).join(' ')].join('|') + '\\n');",
    });
    const module = path.join(dir, 'index.js');
    const snapshot = readModuleSnapshot(module);
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    fs.writeFileSync(module, "process.stderr.write('the rewritten code runs\\n');");
    const { code, lines } = await run(sandbox(), module, snapshot, ['one', 'two']);
    assert.deepEqual(lines, [`the allowed code runs|its relative require|true|${module}|one two`], 'the bytes read ran as the main CommonJS module (not the rewritten file, not as an ES module)');
    assert.equal(code, 0, 'and exited cleanly');
  });

  it('an ES module entry swapped after the read: the approved bytes run, importing from the real folder', async () => {
    const dir = pkg(root(), 'esm', {
      'dep.mjs': "export const dep = 'its relative import';",
      'index.mjs': "import { dep } from './dep.mjs'; process.stderr.write(`the allowed code runs|${dep}|${import.meta.url}\\n`);",
    });
    const module = path.join(dir, 'index.mjs');
    const snapshot = readModuleSnapshot(module);
    fs.writeFileSync(module, "process.stderr.write('the rewritten code runs\\n');");
    const { code, lines } = await run(sandbox(), module, snapshot);
    assert.deepEqual(lines, [`the allowed code runs|its relative import|file://${module}`], 'the bytes read ran as the ES module at its real URL');
    assert.equal(code, 0, 'and exited cleanly');
  });

  it('a link to the module re-pointed after the read: the module read runs, not the new target', async () => {
    const dir = pkg(root(), 'link', {
      'allowed.cjs': "process.stderr.write('the allowed code runs\\n');",
      'other.cjs': "process.stderr.write('the code the link points at now runs\\n');",
    });
    const link = path.join(dir, 'server.cjs');
    fs.symlinkSync(path.join(dir, 'allowed.cjs'), link);
    const snapshot = readModuleSnapshot(link);
    fs.rmSync(link);
    fs.symlinkSync(path.join(dir, 'other.cjs'), link);
    const { code, lines } = await run(sandbox(), link, snapshot);
    assert.deepEqual(lines, ['the allowed code runs'], 'the entry is the file read, whatever the path resolves to now');
    assert.equal(code, 0, 'and exited cleanly');
  });

  it('a module of many pipe chunks (3 MiB) arrives whole and runs', async () => {
    const dir = pkg(root(), 'big', { 'index.cjs': `process.stderr.write('the allowed code runs\\n');\n//${'x'.repeat(3 * 1024 * 1024)}\n` });
    const module = path.join(dir, 'index.cjs');
    const snapshot = readModuleSnapshot(module);
    fs.writeFileSync(module, "process.stderr.write('the rewritten code runs\\n');");
    const { code, lines } = await run(sandbox(), module, snapshot);
    assert.deepEqual(lines, ['the allowed code runs'], 'the whole module, checked and run');
    assert.equal(code, 0, 'and exited cleanly');
  });

  it('bytes that are not the approved digest: one line, exit 1, and nothing of the module runs', async () => {
    const dir = pkg(root(), 'mismatch', { 'index.cjs': "process.stderr.write('the module ran\\n');" });
    const module = path.join(dir, 'index.cjs');
    const snapshot = readModuleSnapshot(module);
    const { code, lines } = await run(sandbox(), module, { ...snapshot, sha256: '0'.repeat(64) });
    assert.deepEqual(lines, [`keybroker: ${module} was not started: its code is not the code that was approved (sha256 mismatch); restart the server`], 'one line saying what to do');
    assert.equal(code, 1, 'a failed start');
  });
}

describe('a config.json server runs the bytes approved, with no sandbox (D263)', () => {
  let root = '';
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-codeload-none-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  swapCases(() => noSandbox('the test'), () => root);

  it('a .js of no declared type with module syntax runs as an ES module, as node would run it, when package.json gains a type after the read', async () => {
    const dir = pkg(root, 'detect', { 'package.json': '{}', 'index.js': "export const a = 1; process.stderr.write(`the allowed code runs|${typeof require}\\n`);" });
    const module = path.join(dir, 'index.js');
    const snapshot = readModuleSnapshot(module);
    assert.equal(snapshot.format, 'module', 'detected from the bytes');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"commonjs"}');
    const { code, lines } = await run(noSandbox('the test'), module, snapshot);
    assert.deepEqual(lines, ['the allowed code runs|undefined'], 'an ES module (no require), whatever package.json says now');
    assert.equal(code, 0, 'and exited cleanly');
  });
});

describe('and in the real bubblewrap, over its --ro-bind-data (D263)', { skip: (process.platform !== 'linux' || !bwrap) && 'Linux with bubblewrap only' }, () => {
  let root = '';
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-codeload-bwrap-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const sandbox = (): Sandbox => {
    const s = detectSandbox(process.env, 'linux');
    assert.equal(s.isolation, 'bubblewrap', s.note);
    return s;
  };
  swapCases(sandbox, () => root);
});

describe('through the supervisor: the start\'s digest names the code that runs (D263)', () => {
  let root = '';
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-codeload-sup-'));
  });
  afterEach(cleanupSupervisors);
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a module swapped between the start\'s read and node\'s load (a launcher that swaps it first): the digest the start names is of the code that ran', async () => {
    const dir = pkg(root, 'sup', { 'index.cjs': "process.stderr.write('the allowed code runs\\n'); setInterval(() => undefined, 60_000);" });
    const module = path.join(dir, 'index.cjs');
    const approved = readModuleSnapshot(module).sha256;
    const node = new NodeLauncher({ sandbox: noSandbox('the test') });
    // The writer's swap lands after SupervisedChild read the module and before node loads it.
    const swapping: Launcher = {
      isolation: node.isolation, isolationNote: node.isolationNote, runsSnapshots: node.runsSnapshots,
      launch: (spec) => {
        fs.writeFileSync(module, "process.stderr.write('the rewritten code runs\\n'); setInterval(() => undefined, 60_000);");
        return node.launch(spec);
      },
    };
    const h = makeSupervisor({ launcher: swapping });
    const started = next(h.sup.onDidStart, 'the start');
    h.sup.add({ name: 'vs-extra', kind: 'vsphere', modulePath: module, fromConfig: true });
    assert.equal((await started).codeSha256, approved, 'the start names the digest of the code read (what the approval is bound to)');
    const ran = await h.logs.wait('the child\'s line', (l) => / the (allowed|rewritten) code runs$/.test(l));
    // Without the preload: "the rewritten code runs" under the approved digest.
    assert.match(ran, / the allowed code runs$/, 'and that code is what ran');
  });
});

describe('the preload refuses what did not arrive intact, in one line, before the module runs (D263)', () => {
  let dir = '';
  let module = '';
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kb-codeload-broken-')));
    module = path.join(dir, 'index.cjs');
    fs.writeFileSync(module, "process.stderr.write('the module ran\\n');");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** node with the preload's flags and `payload` on its fd (none: the fd is not open). */
  async function preload(payload: Uint8Array | undefined): Promise<{ code: number | null; stderr: string }> {
    const load = snapshotCodeLoad(readModuleSnapshot(module))!;
    const stdio: Array<'pipe' | 'ignore'> = Array.from({ length: load.fd + 1 }, (_, i) => (i === 2 || (i === load.fd && payload) ? 'pipe' : 'ignore'));
    const child = spawn(process.execPath, [...load.args, module], { stdio, env: { PATH: '/usr/bin:/bin' } });
    if (payload) (child.stdio[load.fd] as Writable).on('error', () => undefined).end(payload);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    return { code, stderr };
  }

  it('no pipe: the host handed nothing', async () => {
    const r = await preload(undefined);
    // The error's code is the OS's (ENOTCONN here for a descriptor that is no pipe).
    assert.match(r.stderr, /^keybroker: .+ was not started: its approved code did not arrive from the host \([A-Z_]+\); restart the server\n$/, `one line with the reason: ${r.stderr}`);
    assert.ok(r.stderr.startsWith(`keybroker: ${module} `), 'naming the module');
    assert.equal(r.code, 1, 'a failed start');
  });

  it('a payload that is not the framing: damaged', async () => {
    for (const head of ['not json', '{}']) {
      const r = await preload(Buffer.from(`${head}\nxx`));
      assert.equal(r.stderr, `keybroker: ${module} was not started: its approved code arrived damaged; restart the server\n`, `one line for a head of ${head}`);
      assert.equal(r.code, 1, 'a failed start');
    }
  });

  it('a payload cut short, or with bytes past its files: not the approved code', async () => {
    const whole = Buffer.from(snapshotPayload(readModuleSnapshot(module).files));
    for (const payload of [whole.subarray(0, whole.length - 1), Buffer.concat([whole, Buffer.from('x')])]) {
      const r = await preload(payload);
      assert.equal(r.stderr, `keybroker: ${module} was not started: its code is not the code that was approved (sha256 mismatch); restart the server\n`, `one line for ${payload.length} of ${whole.length} bytes`);
      assert.equal(r.code, 1, 'a failed start');
    }
    assert.equal((await preload(whole)).stderr, 'the module ran\n', 'the whole payload runs the module');
  });
});

describe('snapshotCodeLoad()', () => {
  const files = [{ path: '/srv/extra/index.js', bytes: Buffer.from('code') }, { path: '/srv/extra/package.json', bytes: Buffer.from('{}') }];

  it('hands the payload on the fd after every --ro-bind-data fd of the same snapshot, and the preload after the server\'s own flags', () => {
    const load = snapshotCodeLoad({ files, sha256: 'a'.repeat(64), format: 'commonjs' });
    assert.equal(load?.fd, FIRST_DATA_FD + 2, 'past bubblewrap\'s two data fds');
    assert.equal(load?.args.length, 2, 'one flag and its value');
    assert.equal(load?.args[0], '--import', 'an --import');
    assert.match(String(load?.args[1]), /^data:text\/javascript,/, 'of a data: module: no file to bind in any sandbox');
    assert.deepEqual(Buffer.from(load!.payload), snapshotPayload(files), 'the files\' payload');
  });

  it('gives nothing to a start without a snapshot, or with an entry only an execArgv loader runs (.ts)', () => {
    assert.equal(snapshotCodeLoad(undefined), undefined, 'a built-in server');
    assert.equal(snapshotCodeLoad({ files, sha256: 'a'.repeat(64) }), undefined, 'no format: node loads it from disk as before');
  });

  it('Security: the command line names the digest and the path, never the code', () => {
    const load = snapshotCodeLoad({ files: [{ path: '/srv/extra/index.cjs', bytes: Buffer.from('const SECRET_MARKER = 1;') }], sha256: 'b'.repeat(64), format: 'commonjs' });
    const text = decodeURIComponent(load!.args.join(' '));
    assert.ok(text.includes('b'.repeat(64)) && text.includes('/srv/extra/index.cjs'), 'the digest and the entry');
    assert.ok(!text.includes('SECRET_MARKER'), 'not the module\'s bytes (they go on the pipe)');
  });

  it('frames the payload as one JSON line of paths and lengths, then the bytes in order', () => {
    assert.equal(Buffer.from(snapshotPayload(files)).toString(), '[{"path":"/srv/extra/index.js","length":4},{"path":"/srv/extra/package.json","length":2}]\ncode{}', 'the framing');
  });
});
