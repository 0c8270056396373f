import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runClaudeInstall } from '../../src/main/run-utility-command.js';
import { UtilityLauncher } from '../../src/main/utility-launcher.js';
import { FakeUtilityProcessModule } from '../mocks/electron.js';

describe('runClaudeInstall()', () => {
  it('runs `claude install` in a utility process and reports its lines as changes', async () => {
    const utility = new FakeUtilityProcessModule();
    const p = runClaudeInstall(new UtilityLauncher(utility), '/app/dist/cli/index.js', { HOME: '/h' });
    const child = utility.forks[0]!;
    assert.deepEqual(child.args, ['claude', 'install', '--json']);
    assert.deepEqual(child.options.env, { HOME: '/h' });
    child.stdout.write(`${JSON.stringify({ config: '/h/.config/Claude/claude_desktop_config.json', backup: '/h/.config/Claude/claude_desktop_config.json.bak', changes: [{ server: 'vsphere', action: 'added' }, { server: 'p6', action: 'added' }] }, null, 2)}\n`);
    await new Promise((r) => setImmediate(r));
    child.exit(0);
    const r = await p;
    assert.equal(r.configPath, '/h/.config/Claude/claude_desktop_config.json');
    assert.deepEqual(r.changes, ['vsphere: added', 'p6: added']);
    assert.equal(r.backupPath, '/h/.config/Claude/claude_desktop_config.json.bak');
  });

  it('refuses output that is not a report', async () => {
    const utility = new FakeUtilityProcessModule();
    const p = runClaudeInstall(new UtilityLauncher(utility), '/cli.js', {});
    utility.forks[0]!.stdout.write('{"config": 3}\n');
    await new Promise((r) => setImmediate(r));
    utility.forks[0]!.exit(0);
    await assert.rejects(p, { code: 'CORE_CONTRACT_VIOLATION' });
  });

  it('fails with the last line when the installer fails', async () => {
    const utility = new FakeUtilityProcessModule();
    const p = runClaudeInstall(new UtilityLauncher(utility), '/cli.js', {});
    utility.forks[0]!.stderr.write('keybroker claude: Claude Desktop config is not JSON; fix it first\n');
    await new Promise((r) => setImmediate(r));
    utility.forks[0]!.exit(1);
    await assert.rejects(p, /not JSON/);
  });
});
