import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installClaudeExtensions } from '../../src/main/claude-extensions.js';
import { runClaudeMcpb } from '../../src/main/run-utility-command.js';
import { UtilityLauncher } from '../../src/main/utility-launcher.js';
import { FakeUtilityProcessModule } from '../mocks/electron.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('runClaudeMcpb()', () => {
  it('runs `claude mcpb OUT --json` in a utility process and returns the bundles', async () => {
    const utility = new FakeUtilityProcessModule();
    const p = runClaudeMcpb(new UtilityLauncher(utility), '/app/dist/cli/index.js', '/h/claude-extensions', { HOME: '/h' });
    const child = utility.forks[0]!;
    assert.deepEqual(child.args, ['claude', 'mcpb', '/h/claude-extensions', '--json']);
    assert.deepEqual(child.options.env, { HOME: '/h' });
    child.stderr.write("keybroker claude: note: the bundle's bridge uses the default KeyBroker home, not KEYBROKER_HOME=/x; use 'keybroker claude install' to pin a home\n");
    child.stdout.write(`${JSON.stringify({ bundles: [{ server: 'vsphere', file: '/h/claude-extensions/keybroker-vsphere.mcpb', bytes: 10 }] }, null, 2)}\n`);
    await tick();
    child.exit(0);
    assert.deepEqual((await p).bundles.map((b) => b.server), ['vsphere']);
  });

  it('refuses output that is not a report', async () => {
    const utility = new FakeUtilityProcessModule();
    const p = runClaudeMcpb(new UtilityLauncher(utility), '/cli.js', '/out', {});
    utility.forks[0]!.stdout.write('{"bundles": 3}\n');
    await tick();
    utility.forks[0]!.exit(0);
    await assert.rejects(p, { code: 'CORE_CONTRACT_VIOLATION' });
  });

  it('fails with the last line when the CLI fails', async () => {
    const utility = new FakeUtilityProcessModule();
    const p = runClaudeMcpb(new UtilityLauncher(utility), '/cli.js', '/out', {});
    utility.forks[0]!.stderr.write('keybroker claude: the bridge build /x/bridge.cjs does not exist; reinstall\n');
    await tick();
    utility.forks[0]!.exit(1);
    await assert.rejects(p, /does not exist; reinstall/);
  });
});

describe('installClaudeExtensions()', () => {
  const report = { bundles: [{ server: 'vsphere', file: '/h/x/keybroker-vsphere.mcpb', bytes: 1 }, { server: 'p6', file: '/h/x/keybroker-p6.mcpb', bytes: 1 }] };

  it('opens every bundle with its app (Claude Desktop) and says what to click', async () => {
    const opened: string[] = [];
    const r = await installClaudeExtensions({ outDir: '/h/x', build: async (out) => (assert.equal(out, '/h/x'), report), open: async (f) => (opened.push(f), '') });
    assert.deepEqual(opened, ['/h/x/keybroker-vsphere.mcpb', '/h/x/keybroker-p6.mcpb']);
    assert.equal(r.configPath, '/h/x');
    assert.deepEqual(r.changes, ['vsphere: opened keybroker-vsphere.mcpb in Claude Desktop; click Install there', 'p6: opened keybroker-p6.mcpb in Claude Desktop; click Install there']);
  });

  it('says how to install by hand when no app opens .mcpb, and when the home is not the default', async () => {
    const r = await installClaudeExtensions({ outDir: '/h/x', build: async () => report, open: async () => 'Failed to open path\nmore', customHome: '/tmp/kb' });
    assert.match(r.changes[0]!, /^vsphere: wrote keybroker-vsphere\.mcpb but could not open it \(Failed to open path\); in Claude Desktop choose Settings > Extensions/);
    assert.match(r.changes.at(-1)!, /KEYBROKER_HOME=\/tmp\/kb; the extensions look for KeyBroker in the default folder/);
  });
});
