import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BubblewrapSandbox, bubblewrapArgs, packageRoot, type BubblewrapLayout } from '../../../../src/platform/supervisor/sandbox/bubblewrap.js';
import { BWRAP_ENV, SANDBOX_ENV, detectSandbox } from '../../../../src/platform/supervisor/sandbox/detect-sandbox.js';
import { sandboxExecProfile } from '../../../../src/platform/supervisor/sandbox/sandbox-exec.js';
import { unixSocketFilter } from '../../../../src/platform/supervisor/sandbox/seccomp-filter.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** A machine where /bin and /lib are merged-usr symlinks and node lives in /usr/bin. */
const layout: BubblewrapLayout = {
  bwrap: '/usr/bin/bwrap', nodePath: '/usr/bin/node', arch: 'x64',
  stat: (p) => (({ '/usr': { kind: 'dir' }, '/bin': { kind: 'symlink', target: 'usr/bin' }, '/lib': { kind: 'symlink', target: 'usr/lib' }, '/lib64': { kind: 'symlink', target: 'usr/lib64' } }) as Record<string, { kind: 'dir' | 'symlink'; target?: string }>)[p],
  realpath: (p) => p,
};

describe('bubblewrapArgs()', () => {
  const args = bubblewrapArgs(layout, '/opt/keybroker', true);
  const pairs = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

  it('gives the child its own PID namespace and fresh /proc, /dev, /tmp, dying with the host', () => {
    for (const f of ['--unshare-pid', '--die-with-parent', '--new-session', '--as-pid-1', '--share-net']) assert.ok(args.includes(f), f);
    assert.deepEqual(pairs('--proc'), ['/proc']);
    assert.deepEqual(pairs('--tmpfs'), ['/tmp']);
    assert.deepEqual(pairs('--seccomp'), ['4']);
    assert.deepEqual(pairs('--info-fd'), ['5']);
  });

  it('binds read-only only the system trees, the app package and name-resolution/TLS files: no home, /run or host /tmp', () => {
    assert.deepEqual(pairs('--ro-bind'), ['/usr', '/opt/keybroker']);
    assert.ok(pairs('--symlink').includes('usr/bin'), '/bin is a symlink to usr/bin');
    const everything = args.join(' ');
    for (const never of ['/home', '/root', '/run', os.homedir(), '--bind ', '--dev-bind']) assert.ok(!everything.includes(` ${never}`), never);
    assert.ok(pairs('--ro-bind-try').includes('/etc/resolv.conf'), '/etc/resolv.conf is bound when present');
    assert.ok(pairs('--ro-bind-try').every((p) => p!.startsWith('/etc/')), 'only files under /etc are bound when present');
  });

  it('mounts the files a config.json server\'s start read, from fd 6, 7, …, over their paths after the app package; none unless given (D2-modulebytes)', () => {
    assert.ok(!args.includes('--ro-bind-data'), 'nothing of the kind for a start that read nothing');
    const a = bubblewrapArgs(layout, '/opt/extra', true, [], undefined, ['/opt/extra/index.js', '/opt/extra/package.json']);
    const at = a.indexOf('--ro-bind-data');
    assert.deepEqual(a.slice(at, at + 6), ['--ro-bind-data', '6', '/opt/extra/index.js', '--ro-bind-data', '7', '/opt/extra/package.json'], 'each file from its fd, over its path');
    const app = a.findIndex((x, i) => x === '--ro-bind' && a[i + 1] === '/opt/extra');
    assert.ok(app >= 0 && app < at, 'after the package it lies in, so it lands on top of it');
  });

  it('adds the prefix of a node installed outside the system trees (/opt/node) and an enclosing node_modules', () => {
    const a = bubblewrapArgs({ ...layout, nodePath: '/opt/node/bin/node' }, '/srv/app/node_modules/keybroker', false);
    const ro = a.flatMap((x, i) => (x === '--ro-bind' ? [a[i + 1]] : []));
    assert.ok(ro.includes('/opt/node'), 'node\'s prefix /opt/node is bound');
    assert.ok(ro.includes('/srv/app/node_modules'), 'the enclosing node_modules is bound');
    assert.ok(!a.includes('--seccomp'), 'no --seccomp when it is off');
  });

  it('Security: of a node under nvm (in the hidden home), the binary alone, not its version folder (D162)', () => {
    const l: BubblewrapLayout = { ...layout, stat: (p) => (p === '/home/u' ? { kind: 'dir' } : layout.stat!(p)), hide: ['/home/u'] };
    const a = bubblewrapArgs({ ...l, nodePath: '/home/u/.nvm/versions/node/v20/bin/node' }, '/srv/app', false);
    const ro = a.flatMap((x, i) => (x === '--ro-bind' ? [a[i + 1]] : []));
    assert.deepEqual(ro, ['/usr', '/home/u/.nvm/versions/node/v20/bin/node', '/srv/app']);
  });

  // h13 review: a node in ~/bin (or ~/.local/bin, or /node) made the whole home (or ~/.local,
  // or /) the "node prefix" bound into every child: keyring files, the KeyBroker home, its sockets.
  it('binds only the node binary when its prefix would contain a hidden folder (node in ~/bin)', () => {
    const dirs = new Set(['/usr', '/home/u', '/home/u/.config/keybroker']);
    const l: BubblewrapLayout = { ...layout, nodePath: '/home/u/bin/node', stat: (p) => (dirs.has(p) ? { kind: 'dir' } : layout.stat!(p)), hide: ['/home/u', '/home/u/.config/keybroker'] };
    const a = bubblewrapArgs(l, '/opt/keybroker', true);
    const ro = a.flatMap((x, i) => (x === '--ro-bind' ? [a[i + 1]] : []));
    assert.ok(ro.includes('/home/u/bin/node'), ro.join(' '));
    assert.ok(!ro.includes('/home/u'), ro.join(' '));
  });

  it('covers a hidden folder inside a bind (a KEYBROKER_HOME inside the app folder) with a tmpfs', () => {
    const dirs = new Set(['/usr', '/srv/app/.kbhome']);
    const l: BubblewrapLayout = { ...layout, stat: (p) => (dirs.has(p) ? { kind: 'dir' } : layout.stat!(p)) };
    const a = bubblewrapArgs(l, '/srv/app', true, ['/srv/app/.kbhome', '/srv/elsewhere', '/root']);
    const tmpfs = a.flatMap((x, i) => (x === '--tmpfs' ? [a[i + 1]] : []));
    assert.deepEqual(tmpfs, ['/tmp', '/srv/app/.kbhome']);
    assert.ok(a.indexOf('/srv/app/.kbhome') > a.lastIndexOf('--ro-bind'), 'the tmpfs comes after the binds');
  });

  // Found by `bash .ci/run` in a clone under /tmp: /tmp's tmpfs, mounted after the binds, hid
  // the app itself; bwrap could not chdir into it and every child ran unsandboxed.
  it('an app under /tmp stays visible: the child\'s own /tmp is mounted before the binds', () => {
    const a = bubblewrapArgs(layout, '/tmp/ci-clone', true);
    const tmp = a.findIndex((x, i) => x === '--tmpfs' && a[i + 1] === '/tmp');
    const app = a.findIndex((x, i) => x === '--ro-bind' && a[i + 1] === '/tmp/ci-clone');
    assert.ok(tmp >= 0 && app > tmp, a.join(' '));
    assert.deepEqual(a.slice(a.indexOf('--chdir'), a.indexOf('--chdir') + 2), ['--chdir', '/tmp/ci-clone']);
  });

  it('packageRoot() finds the folder with package.json', () => {
    assert.equal(packageRoot(path.join(ROOT, 'test/fixtures/compromised-child.mjs')), ROOT);
  });
});

describe('unixSocketFilter()', () => {
  it('is a whole number of 8-byte BPF instructions for x64 and arm64, and absent elsewhere', () => {
    for (const arch of ['x64', 'arm64']) {
      const f = unixSocketFilter(arch)!;
      assert.equal(f.length % 8, 0);
      assert.ok(f.length / 8 >= 10, 'the program has at least 10 instructions');
    }
    assert.equal(unixSocketFilter('ia32'), undefined);
  });
});

describe('detectSandbox()', () => {
  it(`${SANDBOX_ENV}=off: isolation none, and the note says why`, () => {
    const s = detectSandbox({ PATH: process.env['PATH'], [SANDBOX_ENV]: 'off' }, 'linux');
    assert.equal(s.isolation, 'none');
    assert.match(s.note, /^isolation: none \(switched off by KEYBROKER_SANDBOX=off\)/);
  });

  it('a bwrap that does not work (no user namespaces, broken install): isolation none', () => {
    const s = detectSandbox({ PATH: process.env['PATH'], [BWRAP_ENV]: '/bin/false' }, 'linux');
    assert.equal(s.isolation, 'none');
    assert.match(s.note, /bubblewrap does not work here/);
  });

  it('no bwrap on PATH: isolation none, naming the package', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-nopath-'));
    try {
      const s = detectSandbox({ PATH: empty }, 'linux');
      assert.equal(s.isolation, 'none');
      assert.match(s.note, /install the 'bubblewrap' package/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('an OS without a sandbox says so', () => {
    assert.equal(detectSandbox({}, 'win32').isolation, 'none');
  });

  it('bubblewrap where it works (Linux CI installs it): a sandboxed child cannot open a unix socket, abstract or not', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
    const s = detectSandbox(process.env, 'linux');
    assert.equal(s.isolation, 'bubblewrap', s.note);
    const name = `kb-sbx-${process.pid}`;
    const server = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => server.listen({ path: `\0${name}` }, r));
    try {
      const code = `const s=require('net').connect({path:'\\0${name}'});s.on('connect',()=>{console.log('connected');process.exit(0)});s.on('error',(e)=>{console.log(e.code);process.exit(0)})`;
      const w = s.wrap({ file: process.execPath, args: ['-e', code], env: { PATH: '/usr/bin:/bin' }, modulePath: path.join(ROOT, 'package.json') });
      const child = spawn(w.file, [...w.args], { env: { ...w.env }, cwd: w.cwd, stdio: ['ignore', 'pipe', 'inherit', 'ignore', 'pipe', 'pipe'] });
      (child.stdio[4] as NodeJS.WritableStream).end(w.fd4 ?? '');
      let out = '';
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      await new Promise((r) => child.on('exit', r));
      assert.equal(out.trim(), 'EACCES');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('sandboxExecProfile() (macOS)', () => {
  const profile = sandboxExecProfile({ home: '/Users/ann', nodePath: '/opt/homebrew/bin/node', sandboxExec: '/usr/bin/sandbox-exec' }, '/Applications/KeyBroker.app/Contents/Resources/app');

  it('denies by default and denies the keychain files and the Security daemons by name', () => {
    assert.match(profile, /^\(version 1\)\n\(deny default\)/);
    assert.match(profile, /\(deny file-read\* file-write\* \(subpath "\/Users\/ann\/Library\/Keychains"\)/);
    assert.match(profile, /\(deny mach-lookup \(global-name "com\.apple\.securityd"\) \(global-name "com\.apple\.SecurityServer"\)/);
  });

  it('allows outbound network and read-only access to node and the app, writes only to its temp folder', () => {
    assert.match(profile, /\(allow network-outbound \(remote tcp\)/);
    // node by its path (nothing under /opt/homebrew on this machine, so no Cellar to resolve to), then the app.
    assert.match(profile, /\(literal "\/opt\/homebrew\/bin\/node"\) \(subpath "\/Applications\/KeyBroker\.app\/Contents\/Resources\/app"\)\)/);
    assert.match(profile, /\(allow file-write\* \(literal "\/dev\/null"\) \(subpath \(param "TMP"\)\)\)/);
    // The keychain denial comes after every allow: SBPL applies the last matching rule.
    assert.ok(profile.indexOf('Library/Keychains') > profile.lastIndexOf('(allow file-read*'), 'the keychain denial comes after every allow');
  });

  it('denies the KeyBroker home by name, after the allows (h13 review; a node in ~/bin no longer makes the home readable: D162)', () => {
    const p = sandboxExecProfile({ home: '/Users/ann', nodePath: '/Users/ann/bin/node', sandboxExec: '', hide: ['/Users/ann/Library/Application Support/KeyBroker'] }, '/Applications/KeyBroker.app/Contents/Resources/app', ['/Users/ann/kb-dev-home']);
    const deny = p.split('\n').find((l) => l.startsWith('(deny file-read* file-write*'))!;
    assert.ok(deny.includes('(subpath "/Users/ann/Library/Application Support/KeyBroker")'), deny);
    assert.ok(deny.includes('(subpath "/Users/ann/kb-dev-home")'), deny);
    assert.ok(p.indexOf(deny) > p.lastIndexOf('(allow file-read*'), 'the home denial comes after every allow');
  });

  it('escapes quotes in paths', () => {
    assert.match(sandboxExecProfile({ home: '/Users/a"b', nodePath: '/n/bin/node', sandboxExec: '' }, '/x'), /"\/Users\/a\\"b\/Library\/Keychains"/);
  });
});

describe('bubblewrap never shows a child the KeyBroker home or $HOME, whatever it binds (h13 review)', () => {
  const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].find((p) => fs.existsSync(p));
  it('node in ~/bin and a KEYBROKER_HOME inside the app folder: the child reads neither and cannot reach the control socket, even without seccomp', { skip: (process.platform !== 'linux' || !bwrap) && 'Linux with bubblewrap only' }, async () => {
    // Not under /tmp: the sandbox's /tmp is its own tmpfs, which would hide everything anyway.
    const base = fs.mkdtempSync('/var/tmp/kb-hide-');
    const server = net.createServer((c) => c.end('approve\n'));
    try {
      const userHome = path.join(base, 'home');
      fs.mkdirSync(path.join(userHome, 'bin'), { recursive: true });
      fs.mkdirSync(path.join(userHome, '.config', 'keybroker'), { recursive: true });
      const userConfig = path.join(userHome, '.config', 'keybroker', 'config.json');
      fs.writeFileSync(userConfig, 'visible');
      const node = path.join(userHome, 'bin', 'node');
      try {
        fs.linkSync(fs.realpathSync(process.execPath), node);
      } catch {
        fs.copyFileSync(process.execPath, node);
        fs.chmodSync(node, 0o755);
      }
      const app = path.join(base, 'app');
      const kbHome = path.join(app, '.kbhome');
      fs.mkdirSync(kbHome, { recursive: true });
      fs.writeFileSync(path.join(app, 'package.json'), '{}');
      const kbConfig = path.join(kbHome, 'config.json');
      fs.writeFileSync(kbConfig, 'visible');
      const socket = path.join(kbHome, 'control.sock');
      await new Promise<void>((r) => server.listen(socket, r));
      // No seccomp program (riscv64, ppc64le, s390x have none): only the mounts keep the socket away.
      const sandbox = new BubblewrapSandbox({ bwrap: bwrap!, nodePath: node, arch: 'riscv64', hide: [userHome, path.join(userHome, '.config')] });
      const code = `const fs=require('fs');const o={};for(const [k,p] of ${JSON.stringify([['user', userConfig], ['kb', kbConfig]])}){try{o[k]=fs.readFileSync(p,'utf8')}catch(e){o[k]=e.code}}
const s=require('net').connect(${JSON.stringify(socket)});const done=(v)=>{o.socket=v;console.log(JSON.stringify(o));process.exit(0)};s.on('connect',()=>done('connected'));s.on('error',(e)=>done(e.code))`;
      const w = sandbox.wrap({ file: node, args: ['-e', code], env: { PATH: '/usr/bin:/bin' }, modulePath: path.join(app, 'package.json'), hide: [kbHome] });
      assert.equal(w.fd4, undefined);
      const child = spawn(w.file, [...w.args], { env: { ...w.env }, cwd: w.cwd, stdio: ['ignore', 'pipe', 'inherit', 'ignore', 'ignore', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      await new Promise((r) => child.on('exit', r));
      assert.deepEqual(JSON.parse(out.trim() || '{}'), { user: 'ENOENT', kb: 'ENOENT', socket: 'ENOENT' });
    } finally {
      await new Promise((r) => server.close(r));
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
