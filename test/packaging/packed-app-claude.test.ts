// Claude Desktop from the packaged app (issue 15 item 1), without Electron: lay out exactly
// the files electron-builder packs (test/support/packed-app.ts, using electron-builder's own
// file matching), run the Claude install path main runs from there, check the bundles against
// the MCPB 0.3 manifest, then start a bundle's bridge as Claude Desktop does (its own Node,
// ${__dirname} substituted, no KEYBROKER_HOME) against a running host and list its tools.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { resolveHome } from '../../src/platform/config/home.js';
import { installCliTool } from '../../src/main/cli-tool/install-cli-tool.js';
import { claudeMcpbArgs } from '../../src/main/run-utility-command.js';
import { McpbManifestV03 } from '../cli/claude/mcpb-manifest-v0-3.js';
import { readZipWithPython, type PyZipMember } from '../cli/claude/python-zip.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import { assemblePackedApp, type PackedApp } from '../support/packed-app.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

/** The environment main gives the utility process (src/main/app.ts): PATH and HOME only. */
const appEnv = (home: string) => ({ PATH: process.env['PATH'] ?? '', HOME: home });

describe('Claude Desktop from the packaged app', () => {
  let dir: string;
  let userHome: string;
  let packed: PackedApp;
  const cli = (args: readonly string[]) => spawnSync(process.execPath, [path.join(packed.app, 'dist', 'cli', 'index.js'), ...args], { encoding: 'utf8', env: appEnv(userHome), cwd: userHome });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-packed-'));
    userHome = path.join(dir, 'user');
    fs.mkdirSync(userHome);
    packed = await assemblePackedApp(path.join(dir, 'KeyBroker'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('packs the CLI, the bridge and the icon, but no bin/ (so the checkout install path cannot work)', () => {
    for (const f of ['app.asar/package.json', 'app.asar/dist/cli/index.js', 'app.asar/dist/cli/bridge.cjs', 'assets/icon.png']) assert.ok(packed.files.includes(f), f);
    // Each server child: its entry, its bundle and the code cache the build made (scripts/build.mjs).
    for (const name of ['vsphere', 'p6']) for (const f of ['index.cjs', 'server.cjs', 'server.v8cache']) assert.ok(packed.files.includes(`app.asar/dist/mcp/${name}/${f}`), `${name}/${f}`);
    assert.ok(!packed.files.some((f) => f.startsWith('app.asar/bin/') || (f.startsWith('app.asar/dist/') && f.endsWith('.map'))), 'no bin/, no source maps of ours');
    assert.ok(packed.files.some((f) => f.startsWith('app.asar.unpacked/node_modules/@napi-rs/')), 'the keychain addon is unpacked');
  });

  it("refuses 'claude install' there, since Claude Desktop could not start what it would write", () => {
    const r = cli(['claude', 'install', '--json', '--dry-run']);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /^keybroker claude: this is the KeyBroker app's built-in CLI, which Claude Desktop cannot start; install the extensions instead: KeyBroker Settings > Claude Desktop/);
    assert.equal(fs.existsSync(path.join(userHome, '.config', 'Claude')), false, 'nothing written');
  });

  describe('the extensions main builds (claude mcpb)', () => {
    const out = () => path.join(userHome, 'claude-extensions');
    let bundles: { server: string; file: string }[] = [];
    let serve: ServeProcess | undefined;

    before(() => {
      const r = cli(claudeMcpbArgs(out()));
      assert.equal(r.status, 0, r.stderr);
      bundles = (JSON.parse(r.stdout) as { bundles: { server: string; file: string }[] }).bundles;
    });
    after(async () => {
      await serve?.stop();
    });

    it('are valid MCPB 0.3 bundles holding the packed bridge and icon, and name nothing inside the app', () => {
      assert.deepEqual(bundles.map((b) => b.server), ['vsphere', 'p6']);
      for (const b of bundles) {
        const members = readZipWithPython(b.file);
        assert.deepEqual(members.map((m) => m.name).sort(), ['icon.png', 'manifest.json', 'server/bridge.cjs']);
        const text = member(members, 'manifest.json').data.toString('utf8');
        const parsed = McpbManifestV03.safeParse(JSON.parse(text));
        assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
        assert.equal(parsed.data.icon, 'icon.png');
        assert.deepEqual(parsed.data.server.mcp_config, { command: 'node', args: ['${__dirname}/server/bridge.cjs', b.server] });
        assert.doesNotMatch(text, /app\.asar|KEYBROKER_HOME|\/resources\//, 'no path into the app, no pinned home');
        assert.deepEqual(member(members, 'server/bridge.cjs').data, fs.readFileSync(path.join(packed.app, 'dist', 'cli', 'bridge.cjs')));
        assert.deepEqual(member(members, 'icon.png').data, fs.readFileSync(path.join(packed.resources, 'assets', 'icon.png')));
      }
    });

    it("connect to the host at the default home: the unpacked bridge lists the server's tools", async () => {
      // The host as the app runs it for this user: HOME set, no KEYBROKER_HOME anywhere.
      const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: userHome };
      if (process.env['DBUS_SESSION_BUS_ADDRESS']) env['DBUS_SESSION_BUS_ADDRESS'] = process.env['DBUS_SESSION_BUS_ADDRESS'];
      serve = await startServe(env);
      assert.match(serve.stderr(), new RegExp(escape(resolveHome({}, process.platform, userHome))));
      // Ready for requests: `idle` until the bridge's first request starts it (on demand, D77).
      await waitFor('the vsphere server ready', async () => {
        const r = await runKeybroker(['status', '--json'], { env });
        const s = JSON.parse(r.stdout) as { children: { name: string; state: string }[] };
        const state = s.children.find((c) => c.name === 'vsphere')?.state;
        return state === 'running' || state === 'idle' ? true : undefined;
      }, 20_000);

      const vsphere = bundles.find((b) => b.server === 'vsphere')!;
      const unpacked = unpack(readZipWithPython(vsphere.file), path.join(dir, 'claude', 'Extensions', 'keybroker-vsphere'));
      const manifest = McpbManifestV03.parse(JSON.parse(fs.readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')));
      const args = (manifest.server.mcp_config.args ?? []).map((a) => a.replaceAll('${__dirname}', unpacked));
      // Claude Desktop's built-in Node stands in as this test's node; its env has HOME, not ours.
      const transport = new StdioClientTransport({ command: process.execPath, args, env: { HOME: userHome, PATH: process.env['PATH'] ?? '' }, stderr: 'pipe', cwd: os.tmpdir() });
      const client = new Client({ name: 'claude-ai', version: '1.0.0' }, { capabilities: {} });
      await client.connect(transport);
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.length > 0, 'tools listed');
        assert.ok(tools.some((t) => /vm/i.test(t.name)), tools.map((t) => t.name).join(', '));
      } finally {
        await client.close();
      }
    });

    it("Settings > Command line: the installed keybroker runs the app's unpacked CLI with the user's Node and reaches the host", () => {
      const cliPath = path.join(packed.unpacked, 'dist', 'cli', 'index.js');
      assert.ok(packed.files.includes('app.asar.unpacked/dist/cli/index.js'), 'electron-builder.yml unpacks the CLI');
      // `status` runs from its own bundle and code cache (src/cli/status-loader.ts): unpacked too.
      for (const f of ['status-loader.js', 'status.cjs', 'status.v8cache']) assert.ok(packed.files.includes(`app.asar.unpacked/dist/cli/${f}`), f);
      const r = installCliTool({ platform: process.platform, homedir: userHome, pathEnv: '', cliPath });
      // The user's shell: their Node on PATH, their HOME, no KEYBROKER_HOME.
      const run = spawnSync(r.file, ['status', '--json'], { encoding: 'utf8', env: { HOME: userHome, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` } });
      assert.equal(run.status, 0, run.stderr);
      const s = JSON.parse(run.stdout) as { host: { running: boolean; home: string } };
      assert.equal(s.host.running, true);
      assert.equal(s.host.home, resolveHome({}, process.platform, userHome));
    });
  });
});

function member(members: readonly PyZipMember[], name: string): PyZipMember {
  const m = members.find((x) => x.name === name);
  assert.ok(m, `${name} is in the bundle`);
  return m;
}

function unpack(members: readonly PyZipMember[], into: string): string {
  for (const m of members) {
    fs.mkdirSync(path.dirname(path.join(into, m.name)), { recursive: true });
    fs.writeFileSync(path.join(into, m.name), m.data);
  }
  return into;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
