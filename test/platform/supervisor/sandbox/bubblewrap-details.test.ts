// bubblewrap's argument list in detail (the `containment` mutation area): which namespaces,
// which binds and in what order, which folders a child never sees, what the wrapped command
// carries. sandbox.test.ts runs the real bwrap; these pin each flag and path as text.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BubblewrapSandbox, bubblewrapArgs, packageRoot, type BubblewrapLayout } from '../../../../src/platform/supervisor/sandbox/bubblewrap.js';
import { unixSocketFilter } from '../../../../src/platform/supervisor/sandbox/seccomp-filter.js';

type Kind = { kind: 'dir' | 'file' | 'symlink'; target?: string };

/** A fake machine: `dirs` are folders, `files` files, `links` symlinks (path → target); realpath maps `real`. */
function machine(o: { dirs?: string[]; files?: string[]; links?: Record<string, string>; real?: Record<string, string> } = {}): Pick<BubblewrapLayout, 'stat' | 'realpath'> {
  const dirs = new Set(['/usr', ...(o.dirs ?? [])]);
  const files = new Set(o.files ?? []);
  const links: Record<string, string> = { '/bin': 'usr/bin', '/lib': 'usr/lib', '/lib64': 'usr/lib64', ...o.links };
  return {
    stat: (p: string): Kind | undefined => (p in links ? { kind: 'symlink', target: links[p]! } : dirs.has(p) ? { kind: 'dir' } : files.has(p) ? { kind: 'file' } : undefined),
    realpath: (p: string) => {
      const r = o.real?.[p];
      if (r === '') throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return r ?? p;
    },
  };
}

const base: BubblewrapLayout = { bwrap: '/usr/bin/bwrap', nodePath: '/usr/bin/node', arch: 'x64', ...machine() };
const values = (args: readonly string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
const pairsOf = (args: readonly string[], flag: string) => args.flatMap((a, i) => (a === flag ? [`${args[i + 1]} ${args[i + 2]}`] : []));

describe('bubblewrapArgs(): namespaces and fresh mounts', () => {
  const args = bubblewrapArgs(base, '/opt/kb', true);

  it('Security: a PID, IPC, UTS and cgroup namespace of its own, its own session, dying with the host; the network shared', () => {
    assert.deepEqual(args.slice(0, 11), ['--die-with-parent', '--new-session', '--as-pid-1', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--share-net', '--tmpfs', '/tmp', '--ro-bind']);
    // Never the flags that would hand it the host's view or a writable host path.
    for (const never of ['--bind', '--bind-try', '--dev-bind', '--dev-bind-try', '--unshare-net', '--share-pid']) assert.ok(!args.includes(never), never);
  });

  it('Security: a fresh /proc, /dev and /tmp, the app as the working folder, bwrap reporting on fd 5 and the seccomp program on fd 4, last', () => {
    assert.deepEqual(args.slice(-10), ['--proc', '/proc', '--dev', '/dev', '--chdir', '/opt/kb', '--info-fd', '5', '--seccomp', '4']);
    assert.deepEqual(bubblewrapArgs(base, '/opt/kb', false).slice(-8), ['--proc', '/proc', '--dev', '/dev', '--chdir', '/opt/kb', '--info-fd', '5']);
    assert.ok(!bubblewrapArgs(base, '/opt/kb', false).includes('--seccomp'), 'without seccomp no --seccomp is passed');
  });

  it('Security: the system trees read-only (symlinks as symlinks), the app read-only, and of /etc only TLS and name resolution', () => {
    const withAll = bubblewrapArgs({ ...base, ...machine({ dirs: ['/sbin', '/lib32', '/libx32'] }) }, '/opt/kb', true);
    assert.deepEqual(pairsOf(withAll, '--ro-bind'), ['/usr /usr', '/sbin /sbin', '/lib32 /lib32', '/libx32 /libx32', '/opt/kb /opt/kb']);
    assert.deepEqual(pairsOf(withAll, '--symlink'), ['usr/bin /bin', 'usr/lib /lib', 'usr/lib64 /lib64']);
    assert.deepEqual(values(withAll, '--ro-bind-try'), ['/etc/ssl', '/etc/ca-certificates', '/etc/pki', '/etc/crypto-policies', '/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/gai.conf', '/etc/localtime']);
    assert.deepEqual(pairsOf(withAll, '--ro-bind-try').map((p) => p.split(' ')).filter(([a, b]) => a !== b), [], 'each /etc file at its own place');
    // A symlink without a target is not followed into a bind.
    const noTarget = bubblewrapArgs({ ...base, stat: (p) => (p === '/usr' ? { kind: 'dir' } : p === '/bin' ? { kind: 'symlink' } : undefined) }, '/opt/kb', true);
    assert.ok(!noTarget.includes('--symlink'), 'a symlink without a target is not bound');
    assert.deepEqual(pairsOf(noTarget, '--ro-bind'), ['/usr /usr', '/bin /bin', '/opt/kb /opt/kb']);
  });

  it('on this machine (no injected stat): the real layout of the system trees, symlinks read with readlink', () => {
    const root = path.resolve(import.meta.dirname, '../../../..');
    const args = bubblewrapArgs({ bwrap: '/usr/bin/bwrap', nodePath: fs.realpathSync(process.execPath), arch: process.arch }, root, false);
    for (const tree of ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
      let st: fs.Stats;
      try {
        st = fs.lstatSync(tree);
      } catch {
        assert.ok(!args.includes(tree), `${tree} does not exist here`);
        continue;
      }
      if (st.isSymbolicLink()) assert.ok(pairsOf(args, '--symlink').includes(`${fs.readlinkSync(tree)} ${tree}`), tree);
      else assert.ok(pairsOf(args, '--ro-bind').includes(`${tree} ${tree}`), tree);
    }
  });
});

describe('bubblewrapArgs() on this machine\'s files (no injected stat or realpath)', () => {
  it('a node_modules that is a symlink (Stryker\'s sandbox, a pnpm layout) is bound where it really is; a real one is not bound again', () => {
    const dir = fs.mkdtempSync('/var/tmp/kb-nm-link-');
    try {
      fs.mkdirSync(path.join(dir, 'app'));
      fs.mkdirSync(path.join(dir, 'shared-nm'));
      fs.symlinkSync('../shared-nm', path.join(dir, 'app', 'node_modules'));
      const real = fs.realpathSync(dir);
      const linked = bubblewrapArgs({ bwrap: '/usr/bin/bwrap', nodePath: process.execPath, arch: 'x64' }, path.join(real, 'app'), false);
      assert.ok(pairsOf(linked, '--ro-bind').includes(`${real}/shared-nm ${real}/shared-nm`), linked.join(' '));
      fs.rmSync(path.join(dir, 'app', 'node_modules'));
      fs.mkdirSync(path.join(dir, 'app', 'node_modules'));
      const plain = bubblewrapArgs({ bwrap: '/usr/bin/bwrap', nodePath: process.execPath, arch: 'x64' }, path.join(real, 'app'), false);
      assert.ok(!plain.join(' ').includes('node_modules'), plain.join(' '));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bubblewrapArgs() with named files on this machine (no injected stat or realpath)', () => {
  it('binds the real files, each from its real path at the linked path it is named by; a folder, a missing file or a dangling link is left out', () => {
    const dir = fs.realpathSync(fs.mkdtempSync('/var/tmp/kb-reads-'));
    try {
      fs.mkdirSync(path.join(dir, 'real'));
      fs.writeFileSync(path.join(dir, 'real', 'index.cjs'), '');
      fs.symlinkSync('real', path.join(dir, 'linked'));
      fs.symlinkSync('nowhere', path.join(dir, 'real', 'dangling.cjs'));
      const named = ['linked/index.cjs', 'real', 'real/server.v8cache', 'real/dangling.cjs'].map((r) => path.join(dir, r));
      const a = bubblewrapArgs({ bwrap: '/usr/bin/bwrap', nodePath: process.execPath, arch: 'x64' }, path.join(dir, 'linked'), false, [], named);
      assert.deepEqual(pairsOf(a, '--ro-bind').filter((p) => p.includes(dir)), [`${dir}/real/index.cjs ${dir}/linked/index.cjs`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bubblewrapArgs(): what else is bound', () => {
  it('node outside the system trees: its prefix, read-only; inside them: nothing more', () => {
    const nvm = bubblewrapArgs({ ...base, nodePath: '/opt/node/bin/node' }, '/opt/kb', true);
    assert.deepEqual(pairsOf(nvm, '--ro-bind'), ['/usr /usr', '/opt/kb /opt/kb', '/opt/node /opt/node']);
    // "/usrx" is not inside "/usr".
    const lookalike = bubblewrapArgs({ ...base, nodePath: '/usrx/bin/node' }, '/opt/kb', true);
    assert.ok(pairsOf(lookalike, '--ro-bind').includes('/usrx /usrx'), '/usrx is bound on its own: it is not inside /usr');
    // node reached through a symlink is bound where it really is.
    const linked = bubblewrapArgs({ ...base, nodePath: '/home/u/.local/bin/node', ...machine({ real: { '/home/u/.local/bin/node': '/usr/lib/node/bin/node' } }) }, '/opt/kb', true);
    assert.deepEqual(pairsOf(linked, '--ro-bind'), ['/usr /usr', '/opt/kb /opt/kb']);
  });

  it('Security: node whose prefix is / or holds a hidden folder is bound alone (a node in ~/bin, or /node)', () => {
    const rootNode = bubblewrapArgs({ ...base, nodePath: '/node', ...machine({ dirs: ['/home/u'] }), hide: ['/home/u'] }, '/opt/kb', true);
    assert.deepEqual(pairsOf(rootNode, '--ro-bind'), ['/usr /usr', '/node /node', '/opt/kb /opt/kb']);
    const homeBin = bubblewrapArgs({ ...base, nodePath: '/home/u/bin/node', ...machine({ dirs: ['/home/u'] }) }, '/opt/kb', true, ['/home/u']);
    assert.deepEqual(pairsOf(homeBin, '--ro-bind'), ['/usr /usr', '/home/u/bin/node /home/u/bin/node', '/opt/kb /opt/kb']);
    // A hidden folder next to the prefix, not in it, leaves the prefix bound: "/opt/node-home" is not in "/opt/node".
    const beside = bubblewrapArgs({ ...base, nodePath: '/opt/node/bin/node', ...machine({ dirs: ['/opt/node-home'] }) }, '/opt/kb', true, ['/opt/node-home']);
    assert.ok(pairsOf(beside, '--ro-bind').includes('/opt/node /opt/node'), '/opt/node stays bound: /opt/node-home is beside it, not in it');
    // A prefix of / is never bound, hidden folders or not.
    assert.deepEqual(pairsOf(bubblewrapArgs({ ...base, nodePath: '/node' }, '/opt/kb', true), '--ro-bind'), ['/usr /usr', '/node /node', '/opt/kb /opt/kb']);
  });

  it('Security: node whose prefix lies inside a hidden folder or is one is bound alone (~/dev/bin: ~/dev held the projects; nvm: its version folder) (D162)', () => {
    const m = machine({ dirs: ['/home/u', '/opt/node'] });
    const dev = bubblewrapArgs({ ...base, ...m, nodePath: '/home/u/dev/bin/node' }, '/opt/kb', true, ['/home/u']);
    assert.deepEqual(pairsOf(dev, '--ro-bind'), ['/usr /usr', '/home/u/dev/bin/node /home/u/dev/bin/node', '/opt/kb /opt/kb']);
    const nvm = bubblewrapArgs({ ...base, ...m, nodePath: '/home/u/.nvm/versions/node/v22.0.0/bin/node', hide: ['/home/u'] }, '/opt/kb', true);
    assert.deepEqual(pairsOf(nvm, '--ro-bind'), ['/usr /usr', '/home/u/.nvm/versions/node/v22.0.0/bin/node /home/u/.nvm/versions/node/v22.0.0/bin/node', '/opt/kb /opt/kb']);
    const equal = bubblewrapArgs({ ...base, ...m, nodePath: '/opt/node/bin/node' }, '/opt/kb', true, ['/opt/node']);
    assert.deepEqual(pairsOf(equal, '--ro-bind'), ['/usr /usr', '/opt/kb /opt/kb', '/opt/node/bin/node /opt/node/bin/node']);
    // "/home/u2/..." is not inside "/home/u".
    const other = bubblewrapArgs({ ...base, ...m, nodePath: '/home/u2/node/bin/node' }, '/opt/kb', true, ['/home/u']);
    assert.ok(pairsOf(other, '--ro-bind').includes('/home/u2/node /home/u2/node'), '/home/u2/node is bound: it is not inside the hidden /home/u');
  });

  it('the app by its real path, an enclosing node_modules, and a symlinked node_modules by its target; nothing twice, in order', () => {
    const m = machine({ links: { '/srv/app/node_modules': '../shared/nm' }, real: { '/srv/app/node_modules': '/srv/shared/nm', '/srv/link-app': '/srv/app' } });
    const a = bubblewrapArgs({ ...base, ...m }, '/srv/link-app', true);
    assert.deepEqual(pairsOf(a, '--ro-bind'), ['/usr /usr', '/srv/app /srv/app']);
    const b = bubblewrapArgs({ ...base, ...m }, '/srv/app', true);
    assert.deepEqual(pairsOf(b, '--ro-bind'), ['/usr /usr', '/srv/app /srv/app', '/srv/shared/nm /srv/shared/nm']);
    // A real node_modules folder is inside the app already.
    const c = bubblewrapArgs({ ...base, ...machine({ dirs: ['/srv/app/node_modules'] }) }, '/srv/app', true);
    assert.deepEqual(pairsOf(c, '--ro-bind'), ['/usr /usr', '/srv/app /srv/app']);
    const d = bubblewrapArgs({ ...base, nodePath: '/srv/app/node_modules/node/bin/node' }, '/srv/app/node_modules/keybroker', true);
    assert.deepEqual(pairsOf(d, '--ro-bind'), ['/usr /usr', '/srv/app/node_modules /srv/app/node_modules', '/srv/app/node_modules/keybroker /srv/app/node_modules/keybroker', '/srv/app/node_modules/node /srv/app/node_modules/node']);
    assert.deepEqual(d.slice(d.indexOf('--chdir'), d.indexOf('--chdir') + 2), ['--chdir', '/srv/app/node_modules/keybroker']);
  });
});

describe('bubblewrapArgs(): a child that names its files (a built-in server, D182)', () => {
  const NM = '/srv/proj/node_modules';
  const DIR = `${NM}/keybroker/dist/mcp/vsphere`;
  const reads = [`${DIR}/index.cjs`, `${DIR}/server.cjs`, `${DIR}/server.v8cache`];

  it('Security: exactly its files, read-only at their own paths: not its package, not the node_modules around it (the project\'s other packages, the keyring module)', () => {
    const m = machine({ dirs: [NM, `${NM}/keybroker`, DIR], files: reads });
    const a = bubblewrapArgs({ ...base, ...m }, DIR, true, [], reads);
    assert.deepEqual(pairsOf(a, '--ro-bind'), ['/usr /usr', ...reads.map((r) => `${r} ${r}`)]);
    assert.deepEqual(values(a, '--chdir'), [DIR], 'starts in its own folder');
    assert.ok(!a.some((x) => x === NM || x === `${NM}/keybroker`), a.join(' '));
    // A symlinked node_modules inside its package is not bound either.
    const l = machine({ dirs: [DIR], files: reads, links: { [`${NM}/keybroker/node_modules`]: '/srv/shared' } });
    assert.deepEqual(pairsOf(bubblewrapArgs({ ...base, ...l }, `${NM}/keybroker`, true, [], reads), '--ro-bind'), ['/usr /usr', ...reads.map((r) => `${r} ${r}`)]);
  });

  it('a file reached through a link (pnpm: node_modules/keybroker is a link into .pnpm) is mounted from its real path at the path the child names', () => {
    const real = (r: string) => r.replace(`${NM}/keybroker`, `${NM}/.pnpm/keybroker@0.2.0/node_modules/keybroker`);
    const m = machine({ files: reads.map(real), real: Object.fromEntries(reads.map((r) => [r, real(r)])) });
    const a = bubblewrapArgs({ ...base, ...m }, DIR, true, [], reads);
    assert.deepEqual(pairsOf(a, '--ro-bind'), ['/usr /usr', ...reads.map((r) => `${real(r)} ${r}`)]);
    assert.deepEqual(values(a, '--chdir'), [DIR], 'the folder as the child names it');
  });

  it('a missing file (no code cache), a folder, an unresolvable or a relative path is left out; no files at all binds none of the app', () => {
    const m = machine({ dirs: [DIR, `${DIR}/sub`], files: [reads[0]!, 'rel/index.cjs'], real: { [reads[1]!]: '' } });
    const a = bubblewrapArgs({ ...base, ...m }, DIR, true, [], [...reads, `${DIR}/sub`, 'rel/index.cjs']);
    assert.deepEqual(pairsOf(a, '--ro-bind'), ['/usr /usr', `${reads[0]} ${reads[0]}`]);
    assert.deepEqual(pairsOf(bubblewrapArgs({ ...base, ...m }, DIR, true, [], []), '--ro-bind'), ['/usr /usr']);
  });

  it('the files come after the other binds, before the hidden folders\' tmpfs', () => {
    const m = machine({ dirs: ['/opt/node', '/usr/kb-home', DIR], files: reads });
    const a = bubblewrapArgs({ ...base, ...m, nodePath: '/opt/node/bin/node' }, DIR, true, ['/usr/kb-home'], reads);
    assert.deepEqual(pairsOf(a, '--ro-bind'), ['/usr /usr', '/opt/node /opt/node', ...reads.map((r) => `${r} ${r}`)]);
    assert.ok(a.lastIndexOf(reads[2]!) < a.indexOf('/usr/kb-home'), 'the tmpfs over the hidden folder comes after');
    assert.deepEqual(values(a, '--tmpfs'), ['/tmp', '/usr/kb-home']);
  });
});

describe('bubblewrapArgs(): folders a child never sees', () => {
  const tmpfs = (a: readonly string[]) => values(a, '--tmpfs');

  it('Security: each hidden folder inside a bind gets an empty tmpfs after every bind; the layout\'s and the command\'s lists both count', () => {
    const m = machine({ dirs: ['/srv/app/a', '/srv/app/b', '/usr/local/kb'] });
    const a = bubblewrapArgs({ ...base, ...m, hide: ['/srv/app/a', '/usr/local/kb'] }, '/srv/app', true, ['/srv/app/b']);
    assert.deepEqual(tmpfs(a), ['/tmp', '/srv/app/a', '/srv/app/b', '/usr/local/kb']);
    const lastBind = Math.max(a.lastIndexOf('--ro-bind'), a.lastIndexOf('--ro-bind-try'));
    assert.ok(a.indexOf('/srv/app/a') > lastBind && a.indexOf('/usr/local/kb') > lastBind, a.join(' '));
  });

  it('a folder outside every bind, a file, a relative or missing path, or / gets none, and does not stop the others', () => {
    // The realpath of a relative path would resolve it against the working folder.
    const m = machine({ dirs: ['/srv/app/kb', '/srv/app/rel', '/elsewhere', '/'], files: ['/srv/app/file'], real: { '/srv/app/gone': '', 'srv/app/rel': '/srv/app/rel', '': '/srv/app/rel' } });
    const a = bubblewrapArgs({ ...base, ...m }, '/srv/app', true, ['/', '', 'srv/app/rel', '/elsewhere', '/srv/app/file', '/srv/app/gone', '/srv/app/kb']);
    assert.deepEqual(tmpfs(a), ['/tmp', '/srv/app/kb']);
    // A home of / (a service account) hides nothing: a tmpfs over / would leave the child nothing to run.
    assert.deepEqual(tmpfs(bubblewrapArgs({ ...base, ...m }, '/', true, ['/'])), ['/tmp']);
  });

  it('a hidden folder is found by its real path: a symlink to it is covered where it really is', () => {
    const m = machine({ dirs: ['/srv/app/real-kb'], real: { '/home/u/kb-link': '/srv/app/real-kb' } });
    assert.deepEqual(tmpfs(bubblewrapArgs({ ...base, ...m }, '/srv/app', true, ['/home/u/kb-link'])), ['/tmp', '/srv/app/real-kb']);
  });

  it('one tmpfs for nested hidden folders (the outer one hides the inner), and "/srv/app/kb2" is not inside "/srv/app/kb"', () => {
    const m = machine({ dirs: ['/srv/app/kb', '/srv/app/kb/sockets', '/srv/app/kb2'] });
    assert.deepEqual(tmpfs(bubblewrapArgs({ ...base, ...m }, '/srv/app', true, ['/srv/app/kb/sockets', '/srv/app/kb2', '/srv/app/kb'])), ['/tmp', '/srv/app/kb', '/srv/app/kb2']);
  });

  it('Security: a server whose package folder is a hidden folder itself (a module in the home, or under a home with a stray package.json) sees that folder empty', () => {
    const hide = ['/home/u/.config/keybroker', '/home/u', '/run/user/1000', '/home/u/.local/share', '/home/u/.config'];
    const m = machine({ dirs: hide });
    const a = bubblewrapArgs({ ...base, ...m, hide }, '/home/u', true);
    assert.deepEqual(tmpfs(a), ['/tmp', '/home/u']);
    assert.ok(a.lastIndexOf('/home/u') > a.indexOf('--ro-bind-try'), 'the tmpfs lands on top of the bind');
  });

  it('Security: a hidden folder inside a bind is covered even when a hidden folder around the bind is not bound (a module in ~/.config: the KeyBroker home in it)', () => {
    const m = machine({ dirs: ['/home/u', '/home/u/.config', '/home/u/.config/keybroker'] });
    const a = bubblewrapArgs({ ...base, ...m, hide: ['/home/u', '/home/u/.config/keybroker'] }, '/home/u/.config', true);
    assert.deepEqual(tmpfs(a), ['/tmp', '/home/u/.config/keybroker']);
  });
});

describe('packageRoot()', () => {
  it('the nearest folder up with a package.json; without one, the module\'s own folder', () => {
    const has = (files: string[]) => (p: string) => files.includes(p);
    assert.equal(packageRoot('/srv/app/dist/kinds/x.cjs', has(['/srv/app/package.json', '/srv/package.json'])), '/srv/app');
    assert.equal(packageRoot('/srv/app/dist/x.cjs', has(['/srv/app/dist/package.json', '/srv/app/package.json'])), '/srv/app/dist');
    assert.equal(packageRoot('/srv/app/x.cjs', has([])), '/srv/app');
    assert.equal(packageRoot('/x.cjs', has(['/package.json'])), '/');
  });
});

describe('BubblewrapSandbox', () => {
  it('wraps the command: bwrap, its arguments, then -- and the command itself; the sandbox\'s /tmp for a temp folder; the program on fd 4', () => {
    const root = path.resolve(import.meta.dirname, '../../../..');
    const s = new BubblewrapSandbox({ ...base, realpath: (p) => p });
    const w = s.wrap({ file: '/usr/bin/node', args: ['--x', 'main.cjs', '--', 'a b'], env: { PATH: '/usr/bin', TMPDIR: '/var/tmp/host', TEMP: '/t', TMP: '/t2', LANG: 'C' }, modulePath: path.join(root, 'dist/x.cjs'), hide: ['/nope'] });
    assert.equal(w.file, '/usr/bin/bwrap');
    const dash = w.args.indexOf('--');
    assert.deepEqual(w.args.slice(0, dash), bubblewrapArgs({ ...base, realpath: (p) => p }, root, true, ['/nope']));
    assert.deepEqual(w.args.slice(dash), ['--', '/usr/bin/node', '--x', 'main.cjs', '--', 'a b']);
    assert.deepEqual(w.env, { PATH: '/usr/bin', TMPDIR: '/tmp', TEMP: '/tmp', TMP: '/tmp', LANG: 'C' });
    assert.equal(w.cwd, root);
    assert.equal(w.infoFd5, true);
    assert.deepEqual(w.fd4, unixSocketFilter('x64'));
    assert.equal(s.isolation, 'bubblewrap');
    assert.equal(s.note, 'isolation: bubblewrap (own PID namespace, no session bus or home, no unix sockets; network shared for the upstream)');
    // Without a temp variable, none is added.
    assert.deepEqual(s.wrap({ file: 'n', args: [], env: { PATH: '/usr/bin' }, modulePath: path.join(root, 'x.cjs') }).env, { PATH: '/usr/bin' });
  });

  it('wraps a command that names its files: those files, started in its module\'s folder', () => {
    const dir = '/srv/kb/dist/mcp/p6';
    const reads = [`${dir}/index.cjs`, `${dir}/server.cjs`];
    const m = { ...base, ...machine({ files: reads }) };
    const w = new BubblewrapSandbox(m).wrap({ file: '/usr/bin/node', args: [reads[0]!], env: {}, modulePath: reads[0]!, reads, hide: ['/nope'] });
    assert.deepEqual(w.args.slice(0, w.args.indexOf('--')), bubblewrapArgs(m, dir, true, ['/nope'], reads));
    assert.equal(w.cwd, dir);
  });

  it('an architecture without a seccomp program: no fd 4, no --seccomp, and the note says abstract unix sockets stay reachable', () => {
    const s = new BubblewrapSandbox({ ...base, arch: 'riscv64' });
    const w = s.wrap({ file: 'n', args: [], env: {}, modulePath: '/opt/kb/x.cjs' });
    assert.equal(w.fd4, undefined);
    assert.ok(!('fd4' in w), 'no seccomp program on riscv64');
    assert.ok(!w.args.includes('--seccomp'), 'no --seccomp on riscv64');
    assert.equal(s.note, 'isolation: bubblewrap (own PID namespace, no session bus or home; no seccomp program for riscv64, so abstract unix sockets stay reachable)');
  });
});

describe('a server module in a home with a stray package.json, in the real bubblewrap', () => {
  const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].find((p) => fs.existsSync(p));
  it('Security: the child reads nothing of that home (not ~/.ssh, not the KeyBroker home), even without seccomp', { skip: (process.platform !== 'linux' || !bwrap) && 'Linux with bubblewrap only' }, async () => {
    // Not under /tmp: the sandbox's /tmp is its own tmpfs, which would hide everything anyway.
    const userHome = fs.mkdtempSync('/var/tmp/kb-home-pkg-');
    try {
      fs.writeFileSync(path.join(userHome, 'package.json'), '{}');
      fs.mkdirSync(path.join(userHome, '.ssh'));
      fs.mkdirSync(path.join(userHome, '.config', 'keybroker'), { recursive: true });
      fs.mkdirSync(path.join(userHome, 'mcp'));
      const key = path.join(userHome, '.ssh', 'id_ed25519');
      const config = path.join(userHome, '.config', 'keybroker', 'config.json');
      fs.writeFileSync(key, 'visible');
      fs.writeFileSync(config, 'visible');
      const sandbox = new BubblewrapSandbox({ bwrap: bwrap!, nodePath: process.execPath, arch: 'riscv64', hide: [userHome, path.join(userHome, '.config'), path.join(userHome, '.config', 'keybroker')] });
      const code = `const fs=require('fs');const o={};for(const [k,p] of ${JSON.stringify([['key', key], ['config', config]])}){try{o[k]=fs.readFileSync(p,'utf8')}catch(e){o[k]=e.code}}console.log(JSON.stringify(o))`;
      // packageRoot() of ~/mcp/server.mjs is the home: its package.json is the nearest.
      const w = sandbox.wrap({ file: process.execPath, args: ['-e', code], env: { PATH: '/usr/bin:/bin' }, modulePath: path.join(userHome, 'mcp', 'server.mjs') });
      assert.equal(w.cwd, userHome);
      const child = spawn(w.file, [...w.args], { env: { ...w.env }, cwd: w.cwd, stdio: ['ignore', 'pipe', 'inherit', 'ignore', 'ignore', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      await new Promise((r) => child.on('exit', r));
      assert.deepEqual(JSON.parse(out.trim() || '{}'), { key: 'ENOENT', config: 'ENOENT' });
    } finally {
      fs.rmSync(userHome, { recursive: true, force: true });
    }
  });
});
