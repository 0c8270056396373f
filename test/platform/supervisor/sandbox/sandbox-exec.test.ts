// macOS's sandbox-exec profile, whole (the `containment` mutation area): no macOS runner here,
// so the profile is pinned as text, line by line, and the wrapped command as data.
// sandbox.test.ts checks the same profile's key rules by pattern.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../../../src/platform/supervisor/sandbox/bubblewrap.js';
import { SandboxExecSandbox, sandboxExecProfile, type SandboxExecLayout } from '../../../../src/platform/supervisor/sandbox/sandbox-exec.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const layout: SandboxExecLayout = { home: '/Users/ann', nodePath: '/opt/homebrew/bin/node', sandboxExec: '/usr/bin/sandbox-exec', hide: ['/Users/ann/Library/Application Support/KeyBroker'] };
const APP = '/Applications/KeyBroker.app/Contents/Resources/app';

describe('sandboxExecProfile(), whole', () => {
  it('Security: deny by default; node, the system and the app read-only; writes to its temp folder only; the keychains, the KeyBroker home and the Security daemons denied after the allows; outbound network', () => {
    const profile = sandboxExecProfile(layout, APP, ['/Users/ann/kb', 'relative/kb', '/', '/Users/ann/kb']);
    assert.deepEqual(profile.split('\n'), [
      '(version 1)',
      '(deny default)',
      '(allow process-exec (literal "/opt/homebrew/bin/node"))',
      '(allow process-fork)',
      '(allow signal (target self))',
      '(allow sysctl-read)',
      '(allow file-read-metadata)',
      '(allow file-read* (subpath "/usr/lib") (subpath "/usr/share") (subpath "/System") (subpath "/Library/Preferences")',
      '  (subpath "/private/etc") (subpath "/etc") (literal "/dev/null") (literal "/dev/urandom") (literal "/dev/random")',
      '  (subpath "/opt/homebrew") (subpath "/Applications/KeyBroker.app/Contents/Resources/app"))',
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
    const profile = sandboxExecProfile({ home: '/Users/a\\"b', nodePath: '/n\\x/bin/node', sandboxExec: '' }, '/x"y', ['/h\\"i']);
    assert.ok(profile.includes('(subpath "/Users/a\\\\\\"b/Library/Keychains")'), profile);
    assert.ok(profile.includes('(allow process-exec (literal "/n\\\\x/bin/node"))'), profile);
    assert.ok(profile.includes('(subpath "/n\\\\x") (subpath "/x\\"y"))'), profile);
    assert.ok(profile.includes('(subpath "/h\\\\\\"i")'), profile);
    const everyQuote = profile.replace(/\\./g, '').match(/"/g)?.length ?? 0;
    assert.equal(everyQuote % 2, 0);
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
    assert.equal(s.note, 'isolation: sandbox-exec (no keychain files, no Security framework lookups, read-only app; network allowed for the upstream)');
  });
});
