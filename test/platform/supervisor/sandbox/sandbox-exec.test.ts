// macOS's sandbox-exec profile, whole (the `containment` mutation area): no macOS runner here,
// so the profile is pinned as text, line by line, and the wrapped command as data.
// sandbox.test.ts checks the same profile's key rules by pattern.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../../../src/platform/supervisor/sandbox/bubblewrap.js';
import { SandboxExecSandbox, sandboxExecProfile, type SandboxExecLayout } from '../../../../src/platform/supervisor/sandbox/sandbox-exec.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
/** realpath on a fake Mac: `links` maps a path to its real path; `missing` throws as ENOENT; anything else is real. */
const realpathOf = (links: Record<string, string> = {}, missing: string[] = []) => (p: string): string => {
  if (missing.includes(p)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  return links[p] ?? p;
};
const CELLAR_NODE = '/opt/homebrew/Cellar/node/23.3.0/bin/node';
const layout: SandboxExecLayout = { home: '/Users/ann', nodePath: '/opt/homebrew/bin/node', realpath: realpathOf({ '/opt/homebrew/bin/node': CELLAR_NODE }), sandboxExec: '/usr/bin/sandbox-exec', hide: ['/Users/ann/Library/Application Support/KeyBroker'] };
const APP = '/Applications/KeyBroker.app/Contents/Resources/app';

describe('sandboxExecProfile(), whole', () => {
  it('Security: deny by default; node, the system and the app read-only; writes to its temp folder only; the keychains, the KeyBroker home and the Security daemons denied after the allows; outbound network', () => {
    const profile = sandboxExecProfile(layout, APP, ['/Users/ann/kb', 'relative/kb', '/', '/Users/ann/kb']);
    assert.deepEqual(profile.split('\n'), [
      '(version 1)',
      '(deny default)',
      // Homebrew's node by the path it is started with and its real one in the Cellar.
      '(allow process-exec (literal "/opt/homebrew/bin/node") (literal "/opt/homebrew/Cellar/node/23.3.0/bin/node"))',
      '(allow process-fork)',
      '(allow signal (target self))',
      '(allow sysctl-read)',
      '(allow file-read-metadata)',
      '(allow file-read* (subpath "/usr/lib") (subpath "/usr/share") (subpath "/System") (subpath "/Library/Preferences")',
      '  (subpath "/private/etc") (subpath "/etc") (literal "/dev/null") (literal "/dev/urandom") (literal "/dev/random")',
      // Of Homebrew's prefix only its kegs, their opt links and openssl@3's configuration: not /opt/homebrew/var.
      '  (literal "/opt/homebrew/bin/node") (literal "/opt/homebrew/Cellar/node/23.3.0/bin/node") (subpath "/opt/homebrew/Cellar") (subpath "/opt/homebrew/opt")'
        + ' (subpath "/opt/homebrew/etc/openssl@3") (subpath "/opt/homebrew/etc/ca-certificates") (subpath "/Applications/KeyBroker.app/Contents/Resources/app"))',
      '(allow file-write* (literal "/dev/null") (subpath (param "TMP")))',
      '(allow file-read* (subpath (param "TMP")))',
      // The layout's and the command's hidden folders, each once; a relative path or / is no folder to deny.
      '(deny file-read* file-write* (subpath "/Users/ann/Library/Keychains") (subpath "/Library/Keychains") (subpath "/System/Library/Keychains") (subpath "/private/var/db/mds") (subpath "/Users/ann/Library/Application Support/KeyBroker") (subpath "/Users/ann/kb"))',
      '(allow mach-lookup (global-name "com.apple.system.opendirectoryd.libinfo") (global-name "com.apple.dnssd.service") (global-name "com.apple.SystemConfiguration.configd") (global-name "com.apple.trustd") (global-name "com.apple.trustd.agent"))',
      '(deny mach-lookup (global-name "com.apple.securityd") (global-name "com.apple.SecurityServer") (global-name-regex #"^com\\.apple\\.security\\.") (global-name "com.apple.secd"))',
      '(allow network-outbound (remote tcp) (remote udp))',
      '(allow network-outbound (literal "/private/var/run/mDNSResponder"))',
      '(allow system-socket)',
      '',
    ]);
  });

  it('without hidden folders, denies the keychains alone', () => {
    const deny = sandboxExecProfile({ ...layout, hide: undefined }, APP).split('\n').find((l) => l.startsWith('(deny file-read*'));
    assert.equal(deny, '(deny file-read* file-write* (subpath "/Users/ann/Library/Keychains") (subpath "/Library/Keychains") (subpath "/System/Library/Keychains") (subpath "/private/var/db/mds"))');
  });

  it('Security: a path with quotes or backslashes stays one SBPL string (no rule can be smuggled in)', () => {
    const profile = sandboxExecProfile({ home: '/Users/a\\"b', nodePath: '/n\\x/bin/node', realpath: realpathOf({ '/n\\x/bin/node': '/k"\\/Cellar/node/1/bin/node' }), sandboxExec: '' }, '/x"y', ['/h\\"i']);
    assert.ok(profile.includes('(subpath "/Users/a\\\\\\"b/Library/Keychains")'), profile);
    assert.ok(profile.includes('(allow process-exec (literal "/n\\\\x/bin/node") (literal "/k\\"\\\\/Cellar/node/1/bin/node"))'), profile);
    assert.ok(profile.includes('(subpath "/k\\"\\\\/opt") (subpath "/k\\"\\\\/etc/openssl@3") (subpath "/k\\"\\\\/etc/ca-certificates") (subpath "/x\\"y"))'), profile);
    assert.ok(profile.includes('(subpath "/h\\\\\\"i")'), profile);
    const everyQuote = profile.replace(/\\./g, '').match(/"/g)?.length ?? 0;
    assert.equal(everyQuote % 2, 0);
  });
});

describe('sandboxExecProfile(): what a child reads of node\'s install (D162)', () => {
  const APP_ROOT = '/opt/kb';
  /** The profile's lines that allow something to be read or run, and its denials of files. */
  function rules(nodePath: string, links: Record<string, string> = {}, appRoot = APP_ROOT, missing: string[] = []) {
    const lines = sandboxExecProfile({ ...layout, nodePath, realpath: realpathOf(links, missing) }, appRoot).split('\n');
    const start = lines.findIndex((l) => l.startsWith('(allow file-read* (subpath "/usr/lib")'));
    return {
      exec: lines.find((l) => l.startsWith('(allow process-exec'))!,
      reads: lines[start + 2]!,
      deny: lines.find((l) => l.startsWith('(deny file-read*'))!,
      all: lines.join('\n'),
    };
  }

  it('Security: node in ~/bin: the binary alone, never the home (it held ~/.ssh, ~/Documents...)', () => {
    const r = rules('/Users/ann/bin/node');
    assert.equal(r.exec, '(allow process-exec (literal "/Users/ann/bin/node"))');
    assert.equal(r.reads, '  (literal "/Users/ann/bin/node") (subpath "/opt/kb"))');
    assert.ok(!r.all.includes('(subpath "/Users/ann")'), r.all);
  });

  it('Security: node under nvm, or in ~/dev/bin: the binary alone, not its version folder (global packages) or ~/dev (projects, their .env files)', () => {
    const nvm = '/Users/ann/.nvm/versions/node/v22.11.0/bin/node';
    assert.equal(rules(nvm).reads, `  (literal "${nvm}") (subpath "/opt/kb"))`);
    assert.equal(rules('/Users/ann/dev/bin/node').reads, '  (literal "/Users/ann/dev/bin/node") (subpath "/opt/kb"))');
    // nvm's `current` link: started by the link, read where it really is; both are allowed.
    const current = rules('/Users/ann/.nvm/current/bin/node', { '/Users/ann/.nvm/current/bin/node': nvm });
    assert.equal(current.exec, `(allow process-exec (literal "/Users/ann/.nvm/current/bin/node") (literal "${nvm}"))`);
    assert.equal(current.reads, `  (literal "/Users/ann/.nvm/current/bin/node") (literal "${nvm}") (subpath "/opt/kb"))`);
  });

  it('Security: nodejs.org\'s installer (/usr/local/bin/node, only system libraries): the binary alone, not /usr/local (Intel Homebrew\'s var is there)', () => {
    const r = rules('/usr/local/bin/node');
    assert.equal(r.exec, '(allow process-exec (literal "/usr/local/bin/node"))');
    assert.equal(r.reads, '  (literal "/usr/local/bin/node") (subpath "/opt/kb"))');
  });

  it('Homebrew on Intel and a keg-only node@22: the kegs, their opt links and openssl@3\'s folders of that prefix', () => {
    const intel = rules('/usr/local/bin/node', { '/usr/local/bin/node': '/usr/local/Cellar/node/23.3.0/bin/node' });
    assert.equal(intel.reads, '  (literal "/usr/local/bin/node") (literal "/usr/local/Cellar/node/23.3.0/bin/node") (subpath "/usr/local/Cellar") (subpath "/usr/local/opt")'
      + ' (subpath "/usr/local/etc/openssl@3") (subpath "/usr/local/etc/ca-certificates") (subpath "/opt/kb"))');
    const kegOnly = rules('/opt/homebrew/opt/node@22/bin/node', { '/opt/homebrew/opt/node@22/bin/node': '/opt/homebrew/Cellar/node@22/22.11.0/bin/node' });
    assert.ok(kegOnly.reads.includes('(literal "/opt/homebrew/Cellar/node@22/22.11.0/bin/node") (subpath "/opt/homebrew/Cellar") (subpath "/opt/homebrew/opt")'), kegOnly.reads);
    // Only node's keg counts: a node in another formula's Cellar is an unknown layout.
    assert.equal(rules('/opt/homebrew/Cellar/nodeenv/1/bin/node').reads, '  (literal "/opt/homebrew/Cellar/nodeenv/1/bin/node") (subpath "/opt/kb"))');
    assert.equal(rules('/opt/homebrew/Cellar/node/23.3.0/bin/node-x').reads, '  (literal "/opt/homebrew/Cellar/node/23.3.0/bin/node-x") (subpath "/opt/kb"))');
  });

  it('Security: a Homebrew installed in the home gets the binary alone (no folder of the home is readable whole); it does not start, and SECURITY.md says so', () => {
    const r = rules('/Users/ann/homebrew/bin/node', { '/Users/ann/homebrew/bin/node': '/Users/ann/homebrew/Cellar/node/23.3.0/bin/node' });
    assert.equal(r.reads, '  (literal "/Users/ann/homebrew/bin/node") (literal "/Users/ann/homebrew/Cellar/node/23.3.0/bin/node") (subpath "/opt/kb"))');
  });

  it('an executable inside an app bundle (Electron\'s helper): the outermost bundle\'s Contents, where its frameworks and app.asar are', () => {
    const helper = '/Applications/KeyBroker.app/Contents/Frameworks/KeyBroker Helper.app/Contents/MacOS/KeyBroker Helper';
    const r = rules(helper);
    assert.equal(r.exec, `(allow process-exec (literal "${helper}"))`);
    assert.equal(r.reads, `  (literal "${helper}") (subpath "/Applications/KeyBroker.app/Contents") (subpath "/opt/kb"))`);
    // In ~/Applications: in the home, so the binary alone.
    assert.equal(rules(`/Users/ann${helper}`).reads, `  (literal "/Users/ann${helper}") (subpath "/opt/kb"))`);
  });

  it('a node whose real path cannot be read is named as started (the exec then fails as it would without a sandbox)', () => {
    const r = rules('/opt/gone/bin/node', {}, APP_ROOT, ['/opt/gone/bin/node']);
    assert.equal(r.exec, '(allow process-exec (literal "/opt/gone/bin/node"))');
    assert.equal(r.reads, '  (literal "/opt/gone/bin/node") (subpath "/opt/kb"))');
    // Without an injected realpath, the file system's (nothing under /opt/homebrew on this machine).
    const { realpath: _unused, ...noRealpath } = layout;
    assert.ok(sandboxExecProfile(noRealpath, APP_ROOT).includes('(allow process-exec (literal "/opt/homebrew/bin/node"))'), 'without an injected realpath the node path is allowed as given');
  });

  it('Security: an app package that is the home or holds it (a module directly in the home) has the home denied after it; one inside the home does not', () => {
    const keychainsEtc = '(deny file-read* file-write* (subpath "/Users/ann/Library/Keychains") (subpath "/Library/Keychains") (subpath "/System/Library/Keychains") (subpath "/private/var/db/mds") (subpath "/Users/ann/Library/Application Support/KeyBroker")';
    assert.equal(rules('/usr/local/bin/node', {}, '/Users/ann').deny, `${keychainsEtc} (subpath "/Users/ann"))`);
    assert.equal(rules('/usr/local/bin/node', {}, '/Users').deny, `${keychainsEtc} (subpath "/Users/ann"))`);
    assert.equal(rules('/usr/local/bin/node', {}, '/Users/ann/src/keybroker').deny, `${keychainsEtc})`);
    assert.equal(rules('/usr/local/bin/node', {}, '/Users/anna').deny, `${keychainsEtc})`);
    // The home named in `hide` as well is denied once.
    const twice = sandboxExecProfile({ ...layout, hide: ['/Users/ann'] }, '/Users/ann').split('\n').find((l) => l.startsWith('(deny file-read*'));
    assert.equal(twice, '(deny file-read* file-write* (subpath "/Users/ann/Library/Keychains") (subpath "/Library/Keychains") (subpath "/System/Library/Keychains") (subpath "/private/var/db/mds") (subpath "/Users/ann"))');
  });
});

describe('sandboxExecProfile(): a child that names its files (a built-in server, D182)', () => {
  const DIR = '/Users/ann/proj/node_modules/keybroker/dist/mcp/vsphere';
  const reads = [`${DIR}/index.cjs`, `${DIR}/server.cjs`, `${DIR}/server.v8cache`];
  const readLine = (p: string) => p.split('\n')[9];

  it('Security: exactly its files, not its package or the project\'s node_modules (no subpath of the app at all)', () => {
    const profile = sandboxExecProfile(layout, DIR, [], reads);
    assert.equal(readLine(profile), '  (literal "/opt/homebrew/bin/node") (literal "/opt/homebrew/Cellar/node/23.3.0/bin/node") (subpath "/opt/homebrew/Cellar") (subpath "/opt/homebrew/opt")'
      + ' (subpath "/opt/homebrew/etc/openssl@3") (subpath "/opt/homebrew/etc/ca-certificates")'
      + ` (literal "${DIR}/index.cjs") (literal "${DIR}/server.cjs") (literal "${DIR}/server.v8cache"))`);
    assert.ok(!profile.includes('node_modules"') && !profile.includes(`(subpath "${DIR}")`), profile);
  });

  it('each file by the path it is named by and its real path (pnpm\'s link into .pnpm); one that cannot be resolved, or a relative one, as named or not at all', () => {
    const real = (r: string) => r.replace('node_modules/keybroker', 'node_modules/.pnpm/keybroker@0.2.0/node_modules/keybroker');
    const l = { ...layout, realpath: realpathOf({ '/opt/homebrew/bin/node': CELLAR_NODE, [reads[0]!]: real(reads[0]!), [reads[1]!]: real(reads[1]!) }, [reads[2]!]) };
    const line = readLine(sandboxExecProfile(l, DIR, [], [...reads, 'dist/x.cjs']))!;
    assert.ok(line.endsWith(`(literal "${reads[0]}") (literal "${real(reads[0]!)}") (literal "${reads[1]}") (literal "${real(reads[1]!)}") (literal "${reads[2]}"))`), line);
    assert.ok(!line.includes('dist/x.cjs'), line);
  });

  it('no files at all: nothing of the app is readable', () => {
    const line = readLine(sandboxExecProfile(layout, DIR, [], []))!;
    assert.ok(line.endsWith('(subpath "/opt/homebrew/etc/ca-certificates"))'), line);
  });
});

describe('SandboxExecSandbox', () => {
  it('wraps the command: sandbox-exec with the temp folder as TMP and the profile, then the command; TMPDIR is that folder; cwd is the app', () => {
    const s = new SandboxExecSandbox(layout, '/private/var/folders/kb-child-1');
    const modulePath = path.join(ROOT, 'dist', 'x.cjs');
    const w = s.wrap({ file: '/opt/homebrew/bin/node', args: ['main.cjs', '--flag'], env: { PATH: '/usr/bin', TMPDIR: '/host/tmp' }, modulePath, hide: ['/Users/ann/kb'] });
    const appRoot = packageRoot(modulePath);
    assert.deepEqual(w, {
      file: '/usr/bin/sandbox-exec',
      args: ['-D', 'TMP=/private/var/folders/kb-child-1', '-p', sandboxExecProfile(layout, appRoot, ['/Users/ann/kb']), '/opt/homebrew/bin/node', 'main.cjs', '--flag'],
      env: { PATH: '/usr/bin', TMPDIR: '/private/var/folders/kb-child-1' },
      cwd: appRoot,
    });
    assert.equal(s.isolation, 'sandbox-exec');
    // A command that names its files: those, started in its module's folder.
    const dir = '/Users/ann/proj/node_modules/keybroker/dist/mcp/p6';
    const reads = [`${dir}/index.cjs`, `${dir}/server.cjs`];
    const named = s.wrap({ file: '/opt/homebrew/bin/node', args: [reads[0]!], env: {}, modulePath: reads[0]!, reads });
    assert.deepEqual(named.args.slice(0, 4), ['-D', 'TMP=/private/var/folders/kb-child-1', '-p', sandboxExecProfile(layout, dir, [], reads)]);
    assert.equal(named.cwd, dir);
    assert.equal(s.note, 'isolation: sandbox-exec (no keychain files, no Security framework lookups, read-only app; network allowed for the upstream)');
  });
});
