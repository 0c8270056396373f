// `keybroker COMMAND --help` and `keybroker --version` the way an admin's scripts expect
// (docs/CLI.md): every command in the table takes `--help`/`-h` anywhere in its arguments,
// prints its usage on stdout and exits 0 before it runs (no stdin read, no host, no file
// written); `--version`/`-V`/`version` print the package.json version the build inlined.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { KEYBROKER_VERSION } from '../../src/base/version.js';
import { formatCommandHelp } from '../../src/cli/command-help.js';
import { COMMAND_LOADERS, runCli } from '../../src/cli/main.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { KEYBROKER_BIN, runKeybroker } from '../support/keybroker-cli.js';
import { HANG_GUARD_MS } from '../support/wait.js';
import { readAllFiles, runIn } from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** What `keybroker help NAME` and `keybroker NAME --help` print: every form of the command. */
async function helpOf(name: string): Promise<string> {
  const command = await COMMAND_LOADERS[name]!();
  return formatCommandHelp(command.usage, command.summary);
}

/** A stdin that counts how often the command tried to read it (it holds a password if it does). */
class CountingStdin extends Readable {
  reads = 0;
  override _read(): void {
    this.reads++;
    this.push('pw\n');
    this.push(null);
  }
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe('keybroker COMMAND --help, for every command in the table', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-help-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('the table is what `keybroker help` lists, version included', async () => {
    const r = await runIn(home, ['help']);
    assert.equal(r.code, 0);
    for (const name of Object.keys(COMMAND_LOADERS)) assert.match(r.stdout, new RegExp(`^  keybroker ${name}\\b`, 'm'), name);
    assert.ok(Object.hasOwn(COMMAND_LOADERS, 'version'), 'version is one of the commands help lists');
  });

  for (const name of Object.keys(COMMAND_LOADERS)) {
    it(`${name}: --help and -h print its usage on stdout, exit 0, stderr empty, nothing written; same as 'keybroker help ${name}'`, async () => {
      const expected = await helpOf(name);
      assert.match(expected, new RegExp(`^usage: keybroker ${name}\\b`));
      for (const argv of [[name, '--help'], [name, '-h'], ['help', name], [name, '--no-such-option', '--help'], [name, '--json', '-h']]) {
        const r = await runIn(home, argv);
        assert.deepEqual(r, { code: 0, stdout: expected, stderr: '' }, argv.join(' '));
      }
      assert.deepEqual(readAllFiles(home), [], 'no file was written');
    });

    it(`${name}: an unknown option is still exit 2 with one line on stderr`, async () => {
      const r = await runIn(home, [name, '--no-such-option']);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^keybroker ${name}: [^\\n]+\\n$`));
    });
  }

  it('a sub-command shows its own forms: endpoint add, endpoint add p6, audit verify, policy test', async () => {
    const endpoint = await COMMAND_LOADERS['endpoint']!();
    const forms = (prefix: string) => formatCommandHelp(endpoint.usage.filter((u) => u.startsWith(`${prefix} `)), endpoint.summary);
    assert.equal((await runIn(home, ['endpoint', 'add', '--help'])).stdout, forms('keybroker endpoint add'));
    assert.equal(endpoint.usage.filter((u) => u.startsWith('keybroker endpoint add ')).length, 2, 'vsphere and p6');
    assert.equal((await runIn(home, ['endpoint', 'add', 'p6', 'x', '-h'])).stdout, forms('keybroker endpoint add p6'));
    assert.equal((await runIn(home, ['help', 'endpoint', 'add', 'p6'])).stdout, forms('keybroker endpoint add p6'));
    assert.match((await runIn(home, ['audit', 'verify', '--help'])).stdout, /^usage: keybroker audit verify\n\n/);
    assert.match((await runIn(home, ['policy', 'test', 'vsphere', '--help'])).stdout, /^usage: keybroker policy test SERVER TOOL \[--args JSON\] \[--json\]\n\n/);
    // A word that is no sub-command (an approval id) shows every form.
    assert.equal((await runIn(home, ['approve', 'a1b2', '--help'])).stdout, await helpOf('approve'));
  });

  it('`--help` after `--` is an operand, not a request for help', async () => {
    const r = await runIn(home, ['approve', '--', '--help']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
  });

  it('keybroker --help, -h and help print the command list (exit 0); no command at all is a usage error (exit 2, stderr)', async () => {
    const list = await runIn(home, ['help']);
    assert.match(list.stdout, /^usage: keybroker <command> \[options\]\none command's usage: keybroker help COMMAND, or keybroker COMMAND --help\n/);
    for (const flag of ['--help', '-h']) assert.deepEqual(await runIn(home, [flag]), list);
    const none = await runIn(home, []);
    assert.deepEqual(none, { code: 2, stdout: '', stderr: list.stdout });
  });

  it('keybroker help --help and help -h are the list too', async () => {
    const list = await runIn(home, ['help']);
    for (const flag of ['--help', '-h']) assert.deepEqual(await runIn(home, ['help', flag]), list);
  });

  it('a mistyped --version, -v or --help names the real one (exit 2)', async () => {
    assert.deepEqual(await runIn(home, ['--verison']), { code: 2, stdout: '', stderr: 'keybroker: unknown command "--verison"; did you mean "--version"?\n' });
    assert.deepEqual(await runIn(home, ['-v']), { code: 2, stdout: '', stderr: 'keybroker: unknown command "-v"; did you mean "-V"?\n' });
    assert.deepEqual(await runIn(home, ['--hlep']), { code: 2, stdout: '', stderr: 'keybroker: unknown command "--hlep"; did you mean "--help"?\n' });
  });

  it("keybroker help NOSUCH is exit 2 naming the nearest command", async () => {
    const r = await runIn(home, ['help', 'stauts']);
    assert.deepEqual(r, { code: 2, stdout: '', stderr: 'keybroker: unknown command "stauts"; did you mean "status"?\n' });
  });

  for (const argv of [
    ['endpoint', 'add', 'vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin', '--help'],
    ['endpoint', 'update', 'vc1', '--password-stdin', '-h'],
  ]) {
    it(`Security: ${argv.slice(0, 2).join(' ')} --password-stdin with --help never reads stdin, stores nothing`, async () => {
      const stdin = new CountingStdin();
      const stdout = new Capture();
      const stderr = new Capture();
      const keychain = new MemoryKeychain();
      const code = await runCli({ argv, env: { KEYBROKER_HOME: home }, stdin, stdout, stderr, stopSignal: new AbortController().signal, services: { keychain: () => keychain } });
      assert.equal(stdin.reads, 0, 'stdin was read');
      assert.deepEqual([code, stderr.text], [0, '']);
      assert.match(stdout.text, new RegExp(`^usage: keybroker endpoint ${argv[1]} `));
      assert.equal(await keychain.get('endpoint:vc1'), undefined);
      assert.deepEqual(readAllFiles(home), []);
    });
  }
});

describe('--help or -h as the value of an option', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-help-value-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  for (const argv of [
    ['endpoint', 'add', 'vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', '-h', '--password-stdin'],
    ['endpoint', 'add', 'vsphere', 'vc1', '--url', '--help', '--user', 'u', '--password-stdin'],
    ['http', 'enable', '--port', '-h'],
  ]) {
    it(`${argv.join(' ')}: a usage error (exit 2, one line on stderr), not help with exit 0: a script must not take it for done`, async () => {
      const stdin = new CountingStdin();
      const stdout = new Capture();
      const stderr = new Capture();
      const keychain = new MemoryKeychain();
      const code = await runCli({ argv, env: { KEYBROKER_HOME: home }, stdin, stdout, stderr, stopSignal: new AbortController().signal, services: { keychain: () => keychain } });
      assert.deepEqual([code, stdout.text, stdin.reads], [2, '', 0]);
      assert.match(stderr.text, /^keybroker (endpoint|http): Option '--(user|url|port)[^']*' argument is ambiguous.*usage: keybroker (endpoint add|http enable)[^\n]*\n$/);
      assert.equal(await keychain.get('endpoint:vc1'), undefined);
      assert.deepEqual(readAllFiles(home), []);
    });
  }
});

describe('keybroker --version', () => {
  it('the source tree knows package.json\'s version', () => {
    assert.equal(KEYBROKER_VERSION, PACKAGE_VERSION);
  });

  for (const argv of [['--version'], ['-V'], ['version']]) {
    it(`${argv.join(' ')}: 'keybroker <version>' on one line, exit 0 (the built CLI)`, async () => {
      const r = await runKeybroker(argv, { env: { ...process.env, KEYBROKER_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ver-')) } });
      assert.deepEqual(r, { code: 0, stdout: `keybroker ${PACKAGE_VERSION}\n`, stderr: '' });
    });
  }

  for (const argv of [['--version', '--json'], ['version', '--json']]) {
    it(`${argv.join(' ')}: {"version": ...}`, async () => {
      const r = await runIn(os.tmpdir(), argv);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { version: PACKAGE_VERSION });
    });
  }

  it('extra words and unknown options are usage errors (exit 2, one line)', async () => {
    assert.deepEqual(await runIn(os.tmpdir(), ['version', 'now']), { code: 2, stdout: '', stderr: 'keybroker version: unexpected argument "now"; usage: keybroker version [--json]\n' });
    assert.deepEqual(await runIn(os.tmpdir(), ['--version', '--short']), { code: 2, stdout: '', stderr: "keybroker version: Unknown option '--short'; usage: keybroker version [--json]\n" });
  });

  it('no bundle carries package.json (the define makes version.ts\'s JSON fallback dead code)', () => {
    const description = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { description: string }).description;
    const bundles = readAllFiles(path.join(ROOT, 'dist')).filter((f) => /\.(c?js)$/.test(f.file));
    assert.ok(bundles.length > 10, 'dist is built');
    assert.deepEqual(bundles.filter((f) => f.bytes.includes(description)).map((f) => f.file), []);
  });

  it('the build inlines it: a copy of dist/cli beside another package.json still prints the build\'s version', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ver-copy-'));
    try {
      fs.cpSync(path.join(ROOT, 'dist', 'cli'), path.join(dir, 'dist', 'cli'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'keybroker', type: 'module', version: '9.9.9-not-this-one' }));
      const r = await runKeybroker(['--version'], { env: { PATH: process.env['PATH'] ?? '', KEYBROKER_HOME: dir }, command: [path.join(dir, 'dist', 'cli', 'index.js')] });
      assert.deepEqual(r, { code: 0, stdout: `keybroker ${PACKAGE_VERSION}\n`, stderr: '' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the built CLI: --help on the fast paths (status bundle, bridge bundle) and in a real process', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-help-bin-'));
    env = { ...process.env, KEYBROKER_HOME: home };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  for (const argv of [['status', '--help'], ['status', '--json', '-h'], ['bridge', 'vsphere', '--help'], ['bridge', '-h'], ['serve', '--help']]) {
    it(`${argv.join(' ')}: usage on stdout, exit 0, nothing else`, async () => {
      const r = await runKeybroker(argv, { env });
      assert.deepEqual(r, { code: 0, stdout: await helpOf(argv[0]!), stderr: '' });
      assert.deepEqual(readAllFiles(home), [], 'no host started, nothing written');
    });
  }

  it('endpoint add --password-stdin --help exits on its own while stdin stays open', async () => {
    const child = spawn(process.execPath, [KEYBROKER_BIN, 'endpoint', 'add', 'vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin', '--help'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // stdin is never ended: a command that waited for the password would never exit.
    const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(guard);
    child.stdin.destroy();
    assert.equal(code, 0);
    assert.match(stdout, /^usage: keybroker endpoint add vsphere NAME /);
  });
});

describe('keybroker status: the host version', () => {
  it('Security: a version that is not plain semver characters breaks the contract and is not printed', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ver-st-'));
    const env = { ...process.env, KEYBROKER_HOME: home };
    const server = net.createServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (line: string) => {
        const { id } = JSON.parse(line.split('\n')[0]!) as { id: number };
        const result = { host: { running: true, home, version: '0.2.0\u001b]0;pwned\u0007' }, endpoints: [], children: [], pendingApprovals: 0 };
        socket.write(JSON.stringify({ id, ok: true, result }) + '\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(controlSocketPath(home, env), resolve));
    try {
      const r = await runKeybroker(['status'], { env });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^keybroker status: KeyBroker's answer to status breaks the contract at host\.version[^\n]*\n$/);
      assert.doesNotMatch(r.stderr, /pwned/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
