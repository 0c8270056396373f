import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claudeDesktopConfigPath } from '../../../src/cli/claude/claude-config-path.js';
import { backupStamp } from '../../../src/cli/claude/write-backup.js';
import { runKeybroker } from '../../support/keybroker-cli.js';
import { runIn } from '../harness.js';
import { initializeOverStdio } from './run-as-claude.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/claude');
const NOW = Date.UTC(2025, 5, 1, 9, 30, 0, 123);
/** The CommonJS bridge bundle of this checkout: what the entry makes Claude Desktop run. */
const BRIDGE = path.resolve(import.meta.dirname, '../../../dist/cli/bridge.cjs');
/** The golden file with this machine's paths put in, as JSON strings. */
const expectedGolden = (): string =>
  fs.readFileSync(path.join(FIXTURES, 'expected-config.json'), 'utf8')
    .replaceAll('"<NODE>"', JSON.stringify(process.execPath))
    .replaceAll('"<KEYBROKER_BRIDGE>"', JSON.stringify(BRIDGE));
const ours = (server: string) => ({ command: process.execPath, args: [BRIDGE, server] });
const mode = (f: string): number => fs.statSync(f).mode & 0o777;

describe('keybroker claude install', () => {
  let dir: string;
  let config: string;
  /** Run with no KEYBROKER_HOME, as most users do: then nothing is pinned. */
  const install = (...argv: string[]) => runIn(dir, ['claude', 'install', '--config', config, ...argv], { now: NOW, env: { KEYBROKER_HOME: undefined } });
  const listDir = () => fs.readdirSync(path.dirname(config)).sort();
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-claude-'));
    config = path.join(dir, 'Claude', 'claude_desktop_config.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('with an existing config holding other servers (golden file)', () => {
    let old: Buffer;
    beforeEach(() => {
      fs.mkdirSync(path.dirname(config));
      old = fs.readFileSync(path.join(FIXTURES, 'existing-config.json'));
      fs.writeFileSync(config, old, { mode: 0o644 });
    });

    it('adds vsphere, updates the old p6 bridge in place, and keeps every other key and server in order', async () => {
      const r = await install();
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(fs.readFileSync(config, 'utf8'), expectedGolden());
      const backup = `${config}.bak-${backupStamp(NOW)}`;
      assert.equal(r.stdout, [
        `Claude Desktop config: ${config}`,
        '  vsphere: added',
        '  p6: updated',
        `backup of the previous file: ${backup}`,
        'Quit and reopen Claude Desktop to load the change; KeyBroker must be running for the tools to work.',
        '',
      ].join('\n'));
    });

    it('writes a 0600 backup equal to the old bytes, and the new file 0600 with no temp files left', async () => {
      const r = await install('--json');
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { config: string; backup: string; changes: unknown };
      const backup = `${config}.bak-${backupStamp(NOW)}`;
      assert.deepEqual(report, { config, backup, changes: [{ server: 'vsphere', action: 'added' }, { server: 'p6', action: 'updated' }] });
      assert.deepEqual(fs.readFileSync(backup), old);
      assert.equal(mode(backup), 0o600);
      assert.equal(mode(config), 0o600);
      assert.deepEqual(listDir(), [path.basename(config), path.basename(backup)]);
    });

    it('is idempotent: a second run reports unchanged and rewrites nothing, leaving no second backup', async () => {
      assert.equal((await install()).code, 0);
      const before = fs.statSync(config);
      const files = listDir();
      const r = await install('--json');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { config, backup: null, changes: [{ server: 'vsphere', action: 'unchanged' }, { server: 'p6', action: 'unchanged' }] });
      const after = fs.statSync(config);
      assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs]);
      assert.deepEqual(listDir(), files);
      const human = await install();
      assert.match(human.stdout, /^ {2}vsphere: unchanged$/m);
      assert.match(human.stdout, /already up to date: nothing written/);
    });

    it('--dry-run prints the changes and touches nothing', async () => {
      const r = await install('--dry-run');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ {2}vsphere: added\n {2}p6: updated\ndry run: nothing written\n$/m);
      assert.deepEqual(fs.readFileSync(config), old);
      assert.deepEqual(listDir(), [path.basename(config)]);
      const json = await install('--dry-run', '--json');
      assert.equal(JSON.parse(json.stdout).backup, null);
    });

    it('--server p6 installs only that server', async () => {
      const r = await install('--server', 'p6', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).changes, [{ server: 'p6', action: 'updated' }]);
      assert.equal(Object.hasOwn(JSON.parse(fs.readFileSync(config, 'utf8')).mcpServers, 'vsphere'), false);
    });
  });

  describe('refusals leave the file byte-identical and write no backup', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['invalid JSON', '{"mcpServers": {"a": {"command": "x",}}}', /is not valid JSON \(.*\); fix it or move it away, then retry \(the file was left untouched\)$/],
      ['a top-level array', '[{"mcpServers": {}}]', /: the top level is an array, expected an object; fix it by hand/],
      ['a top-level string', '"hello"', /: the top level is a string, expected an object/],
      ['mcpServers as an array', '{"mcpServers": []}', /: "mcpServers" is an array, expected an object/],
      ['mcpServers as null', '{"mcpServers": null}', /: "mcpServers" is null, expected an object/],
    ];
    for (const [what, content, message] of cases) {
      it(`refuses ${what} with exit 1 and one line`, async () => {
        fs.mkdirSync(path.dirname(config));
        fs.writeFileSync(config, content);
        const r = await install();
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.equal(r.stderr.split('\n').length, 2, r.stderr);
        assert.ok(r.stderr.startsWith(`keybroker claude: ${config}`), r.stderr);
        assert.match(r.stderr.trimEnd(), message);
        assert.equal(fs.readFileSync(config, 'utf8'), content);
        assert.deepEqual(listDir(), [path.basename(config)]);
      });
    }
  });

  describe('an entry under our name that is not KeyBroker', () => {
    const foreign = { globalShortcut: 'Ctrl+Space', mcpServers: { vsphere: { command: 'npx', args: ['-y', 'some-other-vsphere-mcp'], env: { VSPHERE_PASSWORD: 'x' } } } };
    beforeEach(() => {
      fs.mkdirSync(path.dirname(config));
      fs.writeFileSync(config, JSON.stringify(foreign, null, 2));
    });

    it('is refused without --force, naming the command and suggesting --force', async () => {
      const r = await install();
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `keybroker claude: ${config} already has a "vsphere" server (it runs "npx"), not KeyBroker's bridge; rerun with --force to replace (a backup is kept) or rename that server in the file\n`);
      assert.equal(fs.readFileSync(config, 'utf8'), JSON.stringify(foreign, null, 2));
      assert.deepEqual(listDir(), [path.basename(config)]);
    });

    it('is replaced with --force, with a backup', async () => {
      const r = await install('--force', '--json');
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { backup: string; changes: unknown };
      assert.deepEqual(report.changes, [{ server: 'vsphere', action: 'replaced' }, { server: 'p6', action: 'added' }]);
      assert.equal(fs.readFileSync(report.backup, 'utf8'), JSON.stringify(foreign, null, 2));
      assert.deepEqual(JSON.parse(fs.readFileSync(config, 'utf8')), { globalShortcut: 'Ctrl+Space', mcpServers: { vsphere: ours('vsphere'), p6: ours('p6') } });
    });
  });

  it('updates a hand-written `keybroker bridge SERVER` entry in place to the bundle form, keeping its env', async () => {
    fs.mkdirSync(path.dirname(config));
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { vsphere: { command: 'keybroker', args: ['bridge', 'vsphere'], env: { TZ: 'UTC' } } } }));
    const r = await install('--server', 'vsphere', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).changes, [{ server: 'vsphere', action: 'updated' }]);
    assert.deepEqual(JSON.parse(fs.readFileSync(config, 'utf8')).mcpServers.vsphere, { ...ours('vsphere'), env: { TZ: 'UTC' } });
  });

  it('creates a missing file and its folder, 0600, with no backup', async () => {
    const r = await install('--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { config, backup: null, changes: [{ server: 'vsphere', action: 'added' }, { server: 'p6', action: 'added' }] });
    assert.equal(fs.readFileSync(config, 'utf8'), JSON.stringify({ mcpServers: { vsphere: ours('vsphere'), p6: ours('p6') } }, null, 2) + '\n');
    assert.equal(mode(config), 0o600);
    assert.deepEqual(listDir(), [path.basename(config)]);
    assert.match((await install()).stdout, /already up to date/);
  });

  it('pins an explicit KEYBROKER_HOME in the entry, so the bridge finds the same host', async () => {
    const home = path.join(dir, 'kb home');
    const r = await runIn(home, ['claude', 'install', '--config', config, '--server', 'vsphere']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(config, 'utf8')).mcpServers.vsphere, { ...ours('vsphere'), env: { KEYBROKER_HOME: home } });
  });

  it('writes through a symlinked config instead of replacing the link', async () => {
    const real = path.join(dir, 'dotfiles', 'claude.json');
    fs.mkdirSync(path.dirname(real));
    fs.mkdirSync(path.dirname(config));
    fs.writeFileSync(real, '{"mcpServers": {}}');
    fs.symlinkSync(real, config);
    const r = await install('--json');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.lstatSync(config).isSymbolicLink(), 'the symlinked config is still a symlink after install');
    assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(real, 'utf8')).mcpServers), ['vsphere', 'p6']);
    assert.equal(fs.readFileSync(JSON.parse(r.stdout).backup, 'utf8'), '{"mcpServers": {}}');
  });

  it("defaults to Claude Desktop's per-OS path under the user's home", async () => {
    const env = { KEYBROKER_HOME: undefined, HOME: dir, USERPROFILE: dir, APPDATA: path.join(dir, 'AppData', 'Roaming'), XDG_CONFIG_HOME: undefined };
    const r = await runIn(dir, ['claude', 'install', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const expected = claudeDesktopConfigPath(env);
    assert.ok(expected.startsWith(dir + path.sep), expected);
    assert.equal(JSON.parse(r.stdout).config, expected);
    assert.ok(fs.existsSync(expected), 'install wrote the config at the default path');
  });

  it('rejects an unknown server and extra arguments as usage errors (exit 2)', async () => {
    assert.equal((await install('--server', 'vcenter')).code, 2);
    assert.match((await install('--server', 'vcenter')).stderr, /unknown server "vcenter": expected vsphere or p6/);
    assert.equal((await install('extra')).code, 2);
    assert.equal((await runIn(dir, ['claude', 'uninstall'])).code, 2);
    assert.equal(fs.existsSync(config), false);
  });

  it('from the built CLI, writes an entry that Claude Desktop can start: the bridge answers initialize', async () => {
    const home = path.join(dir, 'kb-home');
    const r = await runKeybroker(['claude', 'install', '--config', config, '--server', 'vsphere'], { env: { ...process.env, KEYBROKER_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    const entry = JSON.parse(fs.readFileSync(config, 'utf8')).mcpServers.vsphere as { command: string; args: string[]; env: Record<string, string> };
    assert.deepEqual(entry, { ...ours('vsphere'), env: { KEYBROKER_HOME: home } });
    // Claude Desktop spawns command + args with the entry's env and no shell PATH. No host runs
    // for this home, so the bridge must answer with an MCP error at once and exit, not hang.
    const answer = await initializeOverStdio(entry.command, entry.args, { ...entry.env });
    assert.equal(answer.response.id, 1);
    assert.equal(typeof answer.response.error?.message, 'string', JSON.stringify(answer.response));
    // It answered and exited instead of hanging; how fast is bench/bridge-start's "host down" line.
  });
});
