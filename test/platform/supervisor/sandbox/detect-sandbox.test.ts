// Which sandbox a child gets (the `containment` mutation area): the folders no child may see,
// the probe that decides whether bubblewrap works (run against fake bwrap scripts that record
// what they are given), what each failure says, and the per-configuration cache.
// sandbox.test.ts runs the real bubblewrap.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bubblewrapArgs, packageRoot } from '../../../../src/platform/supervisor/sandbox/bubblewrap.js';
import { BWRAP_ENV, SANDBOX_ENV, detectSandbox, hiddenFromChildren } from '../../../../src/platform/supervisor/sandbox/detect-sandbox.js';
import { noSandbox } from '../../../../src/platform/supervisor/sandbox/sandbox.js';
import { unixSocketFilter } from '../../../../src/platform/supervisor/sandbox/seccomp-filter.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const NOT_WORKING = /^isolation: none \(bubblewrap does not work here \((.*)\); unprivileged user namespaces may be disabled\); server children run as your user and could read your keychain$/;

describe('hiddenFromChildren()', () => {
  const home = os.homedir();

  it('Security: the KeyBroker home, the home, the runtime and temp folders, and the XDG data and config folders', () => {
    const env = { KEYBROKER_HOME: '/srv/kb', HOME: '/home/h', XDG_RUNTIME_DIR: '/run/user/7', TMPDIR: '/var/tmp/t', XDG_DATA_HOME: '/d/data', XDG_CONFIG_HOME: '/d/config' };
    assert.deepEqual(hiddenFromChildren(env), ['/srv/kb', home, '/home/h', '/run/user/7', os.tmpdir(), '/var/tmp/t', '/d/data', path.join(home, '.local', 'share'), '/d/config', path.join(home, '.config')]);
  });

  it('without those variables: the default KeyBroker home, the home, the temp dir, ~/.local/share and ~/.config', () => {
    assert.deepEqual(hiddenFromChildren({}), [path.join(home, '.config', 'keybroker'), home, os.tmpdir(), path.join(home, '.local', 'share'), path.join(home, '.config')]);
  });

  it('relative or empty values name no folder (they are not paths a bind could contain)', () => {
    const env = { HOME: 'h', XDG_RUNTIME_DIR: '', TMPDIR: 'tmp', XDG_DATA_HOME: 'data', XDG_CONFIG_HOME: 'config' };
    assert.deepEqual(hiddenFromChildren(env), [path.join(home, '.config', 'keybroker'), home, os.tmpdir(), path.join(home, '.local', 'share'), path.join(home, '.config')]);
  });
});

describe('detectSandbox()', () => {
  let dir: string;
  /** A folder holding an executable `bwrap` with `body` (a shell script), or a plain file when `body` is undefined. */
  const fakeBwrap = (name: string, body: string | undefined): string => {
    const d = path.join(dir, name);
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'bwrap'), body === undefined ? 'not a program' : `#!/bin/sh\n${body}\n`, { mode: body === undefined ? 0o644 : 0o755 });
    return d;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-detect-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Security: probes bwrap with the real arguments, the seccomp program on fd 4 and an environment of PATH alone, then removes the program', () => {
    const record = path.join(dir, 'record');
    fs.mkdirSync(record);
    const bin = fakeBwrap('recording', `printf '%s\\n' "$@" > ${record}/args; cat <&4 > ${record}/fd4; readlink /proc/self/fd/4 > ${record}/fd4-path; env > ${record}/env; exit 1`);
    const env = { PATH: bin, HOME: '/home/probe-test' };
    const s = detectSandbox(env, 'linux');
    assert.equal(s.isolation, 'none');
    const layout = { bwrap: path.join(bin, 'bwrap'), nodePath: process.execPath, arch: process.arch, hide: hiddenFromChildren(env) };
    const appRoot = packageRoot(path.join(ROOT, 'src/platform/supervisor/sandbox/detect-sandbox.ts'));
    const filter = unixSocketFilter(process.arch);
    const expected = [...bubblewrapArgs(layout, appRoot, filter !== undefined), '--', process.execPath, '-e', 'process.exit(0)'];
    assert.deepEqual(fs.readFileSync(path.join(record, 'args'), 'utf8').split('\n').slice(0, -1), expected);
    if (filter) assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(record, 'fd4'))), filter);
    const envLines = fs.readFileSync(path.join(record, 'env'), 'utf8').split('\n').filter((l) => l && !/^(PWD|SHLVL|_|OLDPWD)=/.test(l));
    assert.deepEqual(envLines, ['PATH=/usr/bin:/bin']);
    const programFile = fs.readFileSync(path.join(record, 'fd4-path'), 'utf8').trim();
    assert.match(path.basename(path.dirname(programFile)), /^kb-bwrap-probe-/);
    assert.ok(!fs.existsSync(path.dirname(programFile)), 'the probe folder is removed');
  });

  it('a bwrap that fails says why: its first line of stderr, else its exit status or signal', () => {
    const cases: Array<[string, string]> = [
      ['first', "echo '  no user namespaces here' >&2; echo 'second line' >&2; exit 3"],
      ['silent', 'exit 4'],
      ['blank', "echo '   ' >&2; exit 5"],
      ['killed', 'kill -9 $$'],
      ['long', `printf '%0300d\\n' 0 >&2; exit 1`],
    ];
    const why = (name: string, body: string) => NOT_WORKING.exec(detectSandbox({ PATH: fakeBwrap(name, body) }, 'linux').note)?.[1];
    const notes = cases.map(([name, body]) => why(name, body));
    assert.deepEqual(notes, ['no user namespaces here', 'exit 4', 'exit 5', 'exit SIGKILL', '0'.repeat(160)]);
  });

  it('a bwrap that cannot be started says so (the spawn error), as does one named by KEYBROKER_BWRAP', () => {
    // The variable's name spelled out: it is documented (SECURITY.md, packagers), not only a constant.
    assert.equal(BWRAP_ENV, 'KEYBROKER_BWRAP');
    const s = detectSandbox({ PATH: dir, KEYBROKER_BWRAP: path.join(dir, 'missing-bwrap') }, 'linux');
    assert.match(NOT_WORKING.exec(s.note)?.[1] ?? s.note, /ENOENT/);
  });

  it('finds bwrap on PATH: skipping empty entries and files that are not executable; a KEYBROKER_BWRAP that is empty means PATH', () => {
    const plain = fakeBwrap('plain', undefined);
    const failing = fakeBwrap('failing', "echo 'found the executable one' >&2; exit 1");
    const s = detectSandbox({ PATH: `:${plain}::${failing}`, [BWRAP_ENV]: '' }, 'linux');
    assert.equal(NOT_WORKING.exec(s.note)?.[1], 'found the executable one');
    const none = detectSandbox({ PATH: `${plain}:` }, 'linux');
    assert.equal(none.note, "isolation: none (bubblewrap is not installed; install the 'bubblewrap' package); server children run as your user and could read your keychain");
  });

  it('Security: never runs a bwrap from the working folder (an empty, "." or relative PATH entry)', () => {
    const planted = fakeBwrap('planted', "echo 'ran the planted bwrap' >&2; exit 1");
    const cwd = process.cwd();
    process.chdir(planted);
    try {
      const s = detectSandbox({ PATH: `:.:bwrap-dir:./` }, 'linux');
      assert.equal(s.note, "isolation: none (bubblewrap is not installed; install the 'bubblewrap' package); server children run as your user and could read your keychain");
    } finally {
      process.chdir(cwd);
    }
  });

  it('leaves no file descriptor open after a probe', { skip: !fs.existsSync('/proc/self/fd') && 'needs /proc' }, () => {
    const bin = fakeBwrap('fd-count', 'exit 1');
    detectSandbox({ PATH: bin }, 'linux');
    const open = fs.readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [fs.readlinkSync(`/proc/self/fd/${fd}`)];
      } catch {
        return []; // closed meanwhile (the readdir's own descriptor)
      }
    });
    assert.deepEqual(open.filter((target) => target.includes('kb-bwrap-probe-')), []);
  });

  it('without PATH, looks in /usr/bin and /bin', { skip: (process.platform !== 'linux' || !fs.existsSync('/usr/bin/bwrap')) && 'Linux with /usr/bin/bwrap only' }, () => {
    assert.equal(detectSandbox({}, 'linux').isolation, 'bubblewrap');
    // An empty PATH is not an unset one: it finds no bwrap (and is not answered from the probe above).
    assert.equal(detectSandbox({ PATH: '' }, 'linux').isolation, 'none');
  });

  it('a bwrap that works: the bubblewrap sandbox, run with that bwrap, hiding this environment\'s KeyBroker home', () => {
    const bin = fakeBwrap('working', 'exit 0');
    const kbHome = fs.mkdtempSync(path.join(ROOT, '.kb-detect-home-'));
    try {
      const s = detectSandbox({ PATH: bin, KEYBROKER_HOME: kbHome }, 'linux');
      assert.equal(s.isolation, 'bubblewrap', s.note);
      const w = s.wrap({ file: process.execPath, args: [], env: {}, modulePath: path.join(ROOT, 'package.json') });
      assert.equal(w.file, path.join(bin, 'bwrap'));
      const tmpfs = w.args.flatMap((a, i) => (a === '--tmpfs' ? [w.args[i + 1]] : []));
      assert.ok(tmpfs.includes(fs.realpathSync(kbHome)), w.args.join(' '));
    } finally {
      fs.rmSync(kbHome, { recursive: true, force: true });
    }
  });

  it(`${SANDBOX_ENV}=off wins over a working bwrap, on every OS; anything else does not switch it off`, () => {
    const bin = fakeBwrap('working-but-off', 'exit 0');
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      assert.equal(detectSandbox({ PATH: bin, [SANDBOX_ENV]: 'off' }, platform).note, 'isolation: none (switched off by KEYBROKER_SANDBOX=off); server children run as your user and could read your keychain');
    }
    assert.equal(detectSandbox({ PATH: bin, [SANDBOX_ENV]: 'OFF' }, 'linux').isolation, 'bubblewrap');
    assert.equal(detectSandbox({ PATH: bin, [SANDBOX_ENV]: 'on' }, 'linux').isolation, 'bubblewrap');
  });

  it('macOS without /usr/bin/sandbox-exec, and an OS without a sandbox, say so', { skip: fs.existsSync('/usr/bin/sandbox-exec') && 'a machine with sandbox-exec' }, () => {
    assert.equal(detectSandbox({}, 'darwin').note, 'isolation: none (sandbox-exec is missing); server children run as your user and could read your keychain');
    assert.equal(detectSandbox({}, 'freebsd').note, 'isolation: none (no child sandbox on freebsd); server children run as your user and could read your keychain');
  });

  it('is probed once per OS and configuration: each variable it depends on makes a new one', () => {
    const names = [SANDBOX_ENV, BWRAP_ENV, 'PATH', 'KEYBROKER_HOME', 'HOME', 'XDG_RUNTIME_DIR', 'TMPDIR', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME'];
    const first = detectSandbox({}, 'win32');
    assert.equal(detectSandbox({}, 'win32'), first);
    assert.equal(detectSandbox({ UNRELATED: 'x' }, 'win32'), first, 'a variable it does not read shares the probe');
    assert.notEqual(detectSandbox({}, 'aix'), first);
    // A '|' in one value is not a shift of the next ones.
    assert.notEqual(detectSandbox({ [SANDBOX_ENV]: 'x|y' }, 'win32'), detectSandbox({ [SANDBOX_ENV]: 'x', [BWRAP_ENV]: 'y' }, 'win32'));
    for (const name of names) {
      const a = detectSandbox({ [name]: '/a' }, 'win32');
      assert.notEqual(a, first, name);
      assert.equal(detectSandbox({ [name]: '/a' }, 'win32'), a, name);
      assert.notEqual(detectSandbox({ [name]: '/b' }, 'win32'), a, name);
    }
  });
});

describe('noSandbox()', () => {
  it('passes the command as it is, says isolation none and why, and warns that the keychain is readable', () => {
    const s = noSandbox('a reason');
    assert.equal(s.isolation, 'none');
    assert.equal(s.note, 'isolation: none (a reason); server children run as your user and could read your keychain');
    assert.deepEqual(s.wrap({ file: '/usr/bin/node', args: ['a'], env: { PATH: '/usr/bin' }, modulePath: '/x/y.cjs', hide: ['/h'] }), { file: '/usr/bin/node', args: ['a'], env: { PATH: '/usr/bin' } });
  });
});
