// What a child is launched with (the `containment` mutation area): the command line and the
// environment NodeLauncher hands the sandbox, and what a real child then sees.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHILD_CHANNEL_ENV } from '../../../src/base/contracts/child-channel.js';
import { childCommand } from '../../../src/platform/supervisor/child-command.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { noSandbox, type ChildCommand, type Sandbox } from '../../../src/platform/supervisor/sandbox/sandbox.js';

describe('childCommand()', () => {
  it('node, its flags, the module, then the arguments; the module and the hidden folders for the sandbox', () => {
    const c = childCommand({ name: 'v', modulePath: '/app/dist/v.cjs', args: ['--a', 'b'], execArgv: ['--import', 'tsx'], env: { PATH: '/usr/bin' } }, ['/home/u'], '/usr/bin/node');
    assert.deepEqual(c, { file: '/usr/bin/node', args: ['--import', 'tsx', '/app/dist/v.cjs', '--a', 'b'], env: { PATH: '/usr/bin', [CHILD_CHANNEL_ENV]: 'fd3' }, modulePath: '/app/dist/v.cjs', hide: ['/home/u'] });
    assert.deepEqual(childCommand({ name: 'v', modulePath: '/m.cjs', env: {} }, []), { file: process.execPath, args: ['/m.cjs'], env: { [CHILD_CHANNEL_ENV]: 'fd3' }, modulePath: '/m.cjs', hide: [] });
    // A config.json server's snapshot preload (D263): after its own flags, so its hooks answer first.
    assert.deepEqual(childCommand({ name: 'v', modulePath: '/m.cjs', args: ['a'], execArgv: ['--import', 'tsx'], env: {} }, [], '/usr/bin/node', ['--import', 'data:text/javascript,x']).args, ['--import', 'tsx', '--import', 'data:text/javascript,x', '/m.cjs', 'a'], 'the server\'s flags, the preload, the module, its arguments');
    // The files it names go to the sandbox, not to the command line.
    assert.deepEqual(childCommand({ name: 'v', modulePath: '/m.cjs', reads: ['/m.cjs', '/s.cjs'], env: {} }, []), { file: process.execPath, args: ['/m.cjs'], env: { [CHILD_CHANNEL_ENV]: 'fd3' }, modulePath: '/m.cjs', reads: ['/m.cjs', '/s.cjs'], hide: [] });
  });

  it('Security: the environment is the spec\'s and the channel\'s name, nothing of this process; the channel is always fd 3', () => {
    const c = childCommand({ name: 'v', modulePath: '/m.cjs', env: { [CHILD_CHANNEL_ENV]: 'fd9', LANG: 'C' } }, []);
    assert.deepEqual(c.env, { [CHILD_CHANNEL_ENV]: 'fd3', LANG: 'C' });
  });
});

describe('NodeLauncher', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-child-command-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Security: hands the sandbox that command with its hidden folders, and the child sees exactly that argv and environment', async () => {
    const script = path.join(dir, 'print.mjs');
    fs.writeFileSync(script, 'console.log(JSON.stringify({ argv: process.argv.slice(2), execArgv: process.execArgv, env: process.env }));\n');
    const seen: ChildCommand[] = [];
    const none = noSandbox('recording');
    const sandbox: Sandbox = { isolation: 'none', note: none.note, wrap: (c) => (seen.push(c), none.wrap(c)) };
    process.env['KB_TEST_SECRET_OF_THE_HOST'] = 'hunter2';
    try {
      const child = new NodeLauncher({ sandbox, hide: ['/srv/kb-home'] }).launch({ name: 'p', modulePath: script, args: ['one', 'two'], execArgv: ['--no-warnings'], env: { LANG: 'C' }, channel: false });
      const lines: string[] = [];
      child.onLog((l) => lines.push(l));
      await new Promise<void>((resolve) => child.onExit(() => resolve()));
      assert.deepEqual(seen, [childCommand({ name: 'p', modulePath: script, args: ['one', 'two'], execArgv: ['--no-warnings'], env: { LANG: 'C' } }, ['/srv/kb-home'])]);
      const report = JSON.parse(lines.find((l) => l.startsWith('{')) ?? '{}') as { argv: string[]; execArgv: string[]; env: Record<string, string> };
      assert.deepEqual(report.argv, ['one', 'two']);
      assert.deepEqual(report.execArgv, ['--no-warnings']);
      // Only what was given, and what the OS adds to every process (none on Linux).
      assert.deepEqual(Object.keys(report.env).filter((k) => !['__CF_USER_TEXT_ENCODING'].includes(k)).sort(), [CHILD_CHANNEL_ENV, 'LANG']);
    } finally {
      delete process.env['KB_TEST_SECRET_OF_THE_HOST'];
    }
  });

  it('without hidden folders, hands the sandbox none', () => {
    const seen: ChildCommand[] = [];
    const sandbox: Sandbox = { isolation: 'none', note: '', wrap: (c) => (seen.push(c), { file: '/bin/true', args: [], env: {} }) };
    const child = new NodeLauncher({ sandbox }).launch({ name: 'p', modulePath: '/nowhere.cjs', env: {}, channel: false });
    child.kill('SIGKILL');
    assert.deepEqual(seen[0]?.hide, []);
  });
});
