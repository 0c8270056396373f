// A home or config.json that is not what KeyBroker expects (a file where the folder should be,
// a folder named config.json) is the user's to fix: one line naming the path and what to do,
// exit 1, nothing changed; never "unexpected error ... please report it" (D146).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemErrorLine } from '../../src/cli/system-error-line.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { KEYBROKER_BIN } from '../support/keybroker-cli.js';
import { runIn } from './harness.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cli-files-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('keybroker with a home it cannot use', () => {
  it('names the path when KEYBROKER_HOME is a file, for reads and writes alike, and stores no password', async () => {
    const home = path.join(root, 'home-is-a-file');
    fs.writeFileSync(home, 'not a folder\n');
    const keychain = new MemoryKeychain();
    const line = `cannot open ${path.join(home, 'config.json')} (ENOTDIR): part of that path is a file, not a folder; check KEYBROKER_HOME and any path you gave\n`;
    for (const [argv, command] of [[['endpoint', 'list'], 'endpoint'], [['status', '--json'], 'status'], [['policy', 'list'], 'policy'], [['endpoint', 'add', 'vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--no-verify', '--password-stdin'], 'endpoint']] as const) {
      const r = await runIn(home, [...argv], { stdin: 'pw\n', keychain });
      assert.deepEqual(r, { code: 1, stdout: '', stderr: `keybroker ${command}: ${line}` }, argv.join(' '));
    }
    assert.equal(keychain.items.size, 0);
    assert.equal(fs.readFileSync(home, 'utf8'), 'not a folder\n');
  });

  it('says config.json is not a file when it is a folder, and leaves the folder and its mode alone', async () => {
    const home = path.join(root, 'config-is-a-folder');
    fs.mkdirSync(path.join(home, 'config.json'), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(home, 'config.json'), 0o755);
    const r = await runIn(home, ['endpoint', 'list']);
    assert.deepEqual(r, { code: 1, stdout: '', stderr: `keybroker endpoint: ${path.join(home, 'config.json')} is not a file; move it aside, then retry\n` });
    assert.equal(fs.statSync(path.join(home, 'config.json')).mode & 0o777, 0o755, 'load() changed the mode of a folder');
  });
});

describe('keybroker as a user who does not own the home', () => {
  const setpriv = '/usr/bin/setpriv';
  const canDrop = process.platform === 'linux' && process.getuid?.() === 0 && fs.existsSync(setpriv);
  /** `keybroker ...argv` as nobody (uid 65534), the built CLI, with `home` as KEYBROKER_HOME. */
  const asNobody = (home: string, argv: string[]) => {
    const r = spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, KEYBROKER_BIN, ...argv], { env: { PATH: process.env['PATH'], HOME: root, KEYBROKER_HOME: home }, encoding: 'utf8', input: '' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("names another user's config.json it may read but not make private, and one it may not read", { skip: !canDrop && 'needs root and setpriv to become an unprivileged user' }, () => {
    fs.chmodSync(root, 0o755);
    const home = path.join(root, 'someone-elses');
    fs.mkdirSync(home, { mode: 0o755 });
    fs.chmodSync(home, 0o755);
    const config = path.join(home, 'config.json');
    fs.writeFileSync(config, '{"version":1}\n', { mode: 0o644 });
    fs.chmodSync(config, 0o644);
    assert.deepEqual(asNobody(home, ['status']), { code: 1, stdout: '', stderr: `keybroker status: ${config} is open to other users (mode 0644) and belongs to another user (uid 0), so it cannot be made private; have it made yours (chown) with mode 0600, then retry\n` });
    fs.chmodSync(config, 0o600);
    assert.deepEqual(asNobody(home, ['endpoint', 'list']), { code: 1, stdout: '', stderr: `keybroker endpoint: cannot open ${config} (EACCES): permission denied; check the owner and mode of that file and of its folder\n` });
  });
});

describe('systemErrorLine()', () => {
  const errno = (code: string, syscall: string, file: string) => Object.assign(new Error(`${code}: x, ${syscall} '${file}'`), { code, syscall, path: file });

  it('names the call, the path and the code, and says what to do', () => {
    assert.equal(systemErrorLine(errno('EACCES', 'open', '/h/.config.json.1.tmp')), 'cannot open /h/.config.json.1.tmp (EACCES): permission denied; check the owner and mode of that file and of its folder');
    assert.equal(systemErrorLine(errno('ENOSPC', 'write', '/h/audit.log')), 'cannot write /h/audit.log (ENOSPC): the disk is full; free some space and retry');
    assert.equal(systemErrorLine(errno('EXDEV', 'rename', '/h/x')), 'cannot rename /h/x (EXDEV): check that path and retry');
  });

  it('leaves anything that is not a file-system error to the caller', () => {
    assert.equal(systemErrorLine(new TypeError('x is undefined')), undefined);
    assert.equal(systemErrorLine(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect' })), undefined); // No path.
    assert.equal(systemErrorLine(Object.assign(new Error('x'), { code: 'CORE_BUG', syscall: 'open', path: '/x' })), undefined);
    assert.equal(systemErrorLine({ code: 'EACCES', syscall: 'open', path: '/x' }), undefined); // Not an Error.
    assert.equal(systemErrorLine(undefined), undefined);
  });
});
