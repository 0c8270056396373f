import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findKeybrokerInstall } from '../../../src/cli/claude/package-root.js';
import { runIn } from '../harness.js';
import { McpbManifestV03 } from './mcpb-manifest-v0-3.js';
import { readZipWithPython, type PyZipMember } from './python-zip.js';
import { initializeOverStdio } from './run-as-claude.js';

/**
 * A stand-in for dist/cli/bridge.cjs with the same shape (a CommonJS bundle that requires
 * `node:` built-ins), so these tests never depend on whether the real bridge has been built yet.
 */
const STAND_IN_BRIDGE = [
  '"use strict";',
  'const process = require("node:process");',
  'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), cjs: typeof module === "object" && typeof exports === "object" }));',
  '',
].join('\n');

const member = (members: readonly PyZipMember[], name: string): PyZipMember => {
  const m = members.find((x) => x.name === name);
  assert.ok(m, `${name} is in the bundle (have ${members.map((x) => x.name).join(', ')})`);
  return m;
};

/** Extract the members under `into`, as Claude Desktop does when it installs the bundle. */
const unpack = (members: readonly PyZipMember[], into: string): string => {
  for (const m of members) {
    fs.mkdirSync(path.dirname(path.join(into, m.name)), { recursive: true });
    fs.writeFileSync(path.join(into, m.name), m.data);
  }
  return into;
};

describe('keybroker claude mcpb', () => {
  let dir: string;
  let bridge: string;
  const mcpb = (...argv: string[]) => runIn(dir, ['claude', 'mcpb', ...argv], { env: { KEYBROKER_HOME: undefined } });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-mcpb-'));
    bridge = path.join(dir, 'bridge.cjs');
    fs.writeFileSync(bridge, STAND_IN_BRIDGE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds one bundle per server into a folder, each a valid MCPB 0.3 extension around the bridge', async () => {
    const out = path.join(dir, 'out');
    const r = await mcpb(out, '--bridge', bridge, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as { bundles: Array<{ server: string; file: string; bytes: number }> };
    assert.deepEqual(report.bundles.map((b) => [b.server, b.file]), [['vsphere', path.join(out, 'keybroker-vsphere.mcpb')], ['p6', path.join(out, 'keybroker-p6.mcpb')]]);
    assert.deepEqual(fs.readdirSync(out).sort(), ['keybroker-p6.mcpb', 'keybroker-vsphere.mcpb']);
    const version = findKeybrokerInstall().version;

    for (const { server, file, bytes } of report.bundles) {
      assert.equal(fs.statSync(file).size, bytes);
      const members = readZipWithPython(file);
      assert.deepEqual(members.map((m) => m.name).filter((n) => n !== 'icon.png'), ['manifest.json', 'server/bridge.cjs']);
      const parsed = McpbManifestV03.safeParse(JSON.parse(member(members, 'manifest.json').data.toString('utf8')));
      assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
      const m = parsed.data;
      assert.equal(m.manifest_version, '0.3');
      assert.deepEqual([m.name, m.version, m.author.name], [`keybroker-${server}`, version, 'KeyBroker']);
      assert.deepEqual(m.server, {
        type: 'node',
        entry_point: 'server/bridge.cjs',
        mcp_config: { command: 'node', args: ['${__dirname}/server/bridge.cjs', server] },
      });
      assert.equal(m.tools_generated, true);
      assert.equal(m.user_config, undefined, 'the bridge needs no settings and holds no secret');
      // Every file the manifest points at is in the bundle.
      member(members, m.server.entry_point);
      if (m.icon) member(members, m.icon);
      assert.deepEqual(member(members, 'server/bridge.cjs').data, fs.readFileSync(bridge));
    }
  });

  it('runs as Claude Desktop would: unpacked, ${__dirname} substituted, node + args', async () => {
    const file = path.join(dir, 'vsphere.mcpb');
    assert.equal((await mcpb(file, '--server', 'vsphere', '--bridge', bridge)).code, 0);
    const unpacked = unpack(readZipWithPython(file), path.join(dir, 'unpacked'));
    const manifest = McpbManifestV03.parse(JSON.parse(fs.readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')));
    const args = (manifest.server.mcp_config.args ?? []).map((a) => a.replaceAll('${__dirname}', unpacked));
    // No package.json in the bundle: the .cjs name is what makes every Node load the bridge as
    // CommonJS, even under a folder whose package.json says "type": "module".
    assert.equal(fs.existsSync(path.join(unpacked, 'package.json')), false);
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: os.tmpdir() });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { argv: ['vsphere'], cjs: true });
  });

  it('writes OUT itself when it ends in .mcpb and one server is chosen', async () => {
    const file = path.join(dir, 'nested', 'kb-p6.mcpb');
    const r = await mcpb(file, '--server', 'p6', '--bridge', bridge);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(p6, \\d+ bytes\\)\n`));
    assert.match(r.stdout, /double-click it, or Settings > Extensions/);
    assert.equal(JSON.parse(member(readZipWithPython(file), 'manifest.json').data.toString()).name, 'keybroker-p6');
    assert.equal(fs.statSync(file).mode & 0o777, 0o644);
  });

  it('refuses a .mcpb OUT for two servers as a usage error, writing nothing', async () => {
    const r = await mcpb(path.join(dir, 'both.mcpb'), '--bridge', bridge);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /names one bundle but 2 servers were chosen; add one --server, or give a folder/);
    assert.equal(fs.existsSync(path.join(dir, 'both.mcpb')), false);
  });

  it('says which bridge build is missing and what to do', async () => {
    const r = await mcpb(path.join(dir, 'out'), '--bridge', path.join(dir, 'nope.cjs'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `keybroker claude: the bridge build ${path.join(dir, 'nope.cjs')} does not exist; check the --bridge path\n`);
    assert.equal(fs.existsSync(path.join(dir, 'out')), false);
  });

  it("packs this installation's dist/cli/bridge.cjs by default, or asks for a build when there is none", async () => {
    const install = findKeybrokerInstall();
    const r = await mcpb(path.join(dir, 'out'), '--server', 'vsphere');
    if (fs.existsSync(install.bridge)) {
      assert.equal(r.code, 0, r.stderr);
      const members = readZipWithPython(path.join(dir, 'out', 'keybroker-vsphere.mcpb'));
      assert.deepEqual(member(members, 'server/bridge.cjs').data, fs.readFileSync(install.bridge));
      // The real bridge, unpacked and started as Claude Desktop would, with a home where no host
      // runs: it needs nothing outside the bundle, and answers initialize with an MCP error.
      const unpacked = unpack(members, path.join(dir, 'unpacked'));
      const manifest = McpbManifestV03.parse(JSON.parse(fs.readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')));
      const args = (manifest.server.mcp_config.args ?? []).map((a) => a.replaceAll('${__dirname}', unpacked));
      const answer = await initializeOverStdio(process.execPath, args, { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg') });
      assert.equal(answer.response.id, 1);
      assert.equal(typeof answer.response.error?.message, 'string', JSON.stringify(answer.response));
    } else {
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `keybroker claude: the bridge build ${install.bridge} does not exist; run 'npm run build' in ${install.root}, then retry\n`);
    }
  });

  it('notes on stderr that a bundle does not carry KEYBROKER_HOME', async () => {
    const r = await runIn(path.join(dir, 'home'), ['claude', 'mcpb', path.join(dir, 'out'), '--bridge', bridge]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^keybroker claude: note: the bundle's bridge uses the default KeyBroker home, not KEYBROKER_HOME=.*; use 'keybroker claude install' to pin a home\n$/);
  });
});
