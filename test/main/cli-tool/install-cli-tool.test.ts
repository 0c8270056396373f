import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CLI_TOOL_MARKER, installCliTool, windowsLauncher } from '../../../src/main/cli-tool/install-cli-tool.js';

describe('installCliTool()', () => {
  let dir: string;
  let cli: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kb-cli tool's-"));
    // A stand-in CLI in a folder whose name needs quoting, printing its arguments.
    cli = path.join(dir, "Key Broker's.app", 'index.js');
    fs.mkdirSync(path.dirname(cli), { recursive: true });
    fs.writeFileSync(cli, 'console.log(JSON.stringify(process.argv.slice(2)))\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes an executable ~/.local/bin/keybroker that runs the CLI with node, any path quoted', () => {
    const r = installCliTool({ platform: 'linux', homedir: dir, pathEnv: `/usr/bin:${path.join(dir, '.local', 'bin')}`, cliPath: cli });
    assert.equal(r.file, path.join(dir, '.local', 'bin', 'keybroker'));
    assert.equal(r.onPath, true);
    assert.match(r.message, /Open a new terminal and run 'keybroker status'/);
    assert.equal(fs.statSync(r.file).mode & 0o777, 0o755);
    const run = spawnSync(r.file, ['status', 'a b', "it's"], { encoding: 'utf8', env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` } });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), ['status', 'a b', "it's"]);
  });

  it('says how to reach it when its folder is not on PATH, and what is missing without Node', () => {
    const r = installCliTool({ platform: 'darwin', homedir: dir, pathEnv: '/usr/bin:/bin', cliPath: cli });
    assert.equal(r.onPath, false);
    assert.match(r.message, /\.local\/bin is not on your PATH: add it to your PATH: echo 'export PATH="\$HOME\/\.local\/bin:\$PATH"' >> ~\/\.zprofile/);
    const run = spawnSync(r.file, [], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
    assert.equal(run.status, 127);
    assert.match(run.stderr, /^keybroker: needs Node\.js 20\.19 or later on PATH/);
  });

  it('replaces its own launcher but never a keybroker that is not ours', () => {
    const target = { platform: 'linux' as const, homedir: dir, pathEnv: '', cliPath: cli };
    installCliTool(target);
    installCliTool(target); // a reinstall (the app moved) is fine
    const file = path.join(dir, '.local', 'bin', 'keybroker');
    fs.writeFileSync(file, '#!/usr/bin/env node\nimport("keybroker")\n');
    assert.throws(() => installCliTool(target), /already exists and was not installed by KeyBroker .*; remove it to install/);
    assert.equal(fs.readFileSync(file, 'utf8'), '#!/usr/bin/env node\nimport("keybroker")\n');
  });

  it('the Windows launcher runs the CLI with node and passes every argument', () => {
    const text = windowsLauncher('C:\\Program Files\\KeyBroker\\resources\\app.asar.unpacked\\dist\\cli\\index.js');
    assert.ok(text.includes(CLI_TOOL_MARKER), 'the Windows launcher carries the marker that says it is ours');
    assert.ok(text.includes('@node "C:\\Program Files\\KeyBroker\\resources\\app.asar.unpacked\\dist\\cli\\index.js" %*'), 'the Windows launcher runs the CLI with node and passes every argument (%*)');
  });

  it('on Windows writes %LOCALAPPDATA%\\KeyBroker\\bin\\keybroker.cmd', { skip: process.platform === 'win32' ? false : 'Windows paths: runs on Windows' }, () => {
    const local = path.join(dir, 'Local');
    const r = installCliTool({ platform: 'win32', homedir: dir, localAppData: local, pathEnv: '', cliPath: cli });
    assert.equal(r.file, path.win32.join(local, 'KeyBroker', 'bin', 'keybroker.cmd'));
    const text = fs.readFileSync(r.file, 'utf8');
    assert.ok(text.includes(CLI_TOOL_MARKER), 'the installed keybroker.cmd carries the marker that says it is ours');
    assert.ok(text.includes(`@node "${cli}" %*`), 'the installed keybroker.cmd runs the CLI with node and passes every argument');
    assert.match(r.message, /is not on your PATH: add .* to your user PATH/);
  });

  it('refuses when the CLI is missing from the installation', () => {
    assert.throws(() => installCliTool({ platform: 'linux', homedir: dir, pathEnv: '', cliPath: path.join(dir, 'nope.js') }), /the command-line tool is missing from this installation/);
  });
});
