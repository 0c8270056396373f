import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointKind } from '../../../src/base/contracts/names.js';
import { bridgeEntry, type ClaudeServerEntry } from '../../../src/cli/claude/bridge-entry.js';
import { mergeClaudeConfig } from '../../../src/cli/claude/merge-claude-config.js';
import { CliError } from '../../../src/cli/cli-error.js';

const LAUNCH = { node: '/usr/bin/node', bridge: '/opt/keybroker/dist/cli/bridge.cjs' };
const entries = (launch: Parameters<typeof bridgeEntry>[1] = LAUNCH, servers: EndpointKind[] = ['vsphere', 'p6']) =>
  new Map<EndpointKind, ClaudeServerEntry>(servers.map((s) => [s, bridgeEntry(s, launch)]));
const merge = (text: string | undefined, force = false, e = entries()) => mergeClaudeConfig('/c.json', text, e, force);
const parsed = (text: string | undefined): Record<string, unknown> => JSON.parse(text ?? 'null') as Record<string, unknown>;

describe('mergeClaudeConfig()', () => {
  it('appends mcpServers after the other top-level keys when the file has none', () => {
    const r = merge('{"globalShortcut": "Alt+Space", "theme": "dark"}');
    assert.deepEqual(Object.keys(parsed(r.text)), ['globalShortcut', 'theme', 'mcpServers']);
    assert.deepEqual(r.changes, [{ server: 'vsphere', action: 'added' }, { server: 'p6', action: 'added' }]);
  });

  it('treats no file, an empty file and a BOM-only file as an empty config', () => {
    for (const text of [undefined, '', '  \n', '\uFEFF']) {
      assert.deepEqual(Object.keys(parsed(merge(text).text)), ['mcpServers'], JSON.stringify(text));
    }
  });

  it('reads a file that starts with a UTF-8 BOM and writes it back without one', () => {
    const r = merge('\uFEFF{"a": 1}');
    assert.equal(r.text?.startsWith('{'), true);
    assert.equal(parsed(r.text)['a'], 1);
  });

  it('keeps the file indentation (tabs, 4 spaces) and CRLF line endings', () => {
    assert.match(merge('{\n\t"a": 1\n}').text!, /^\t"mcpServers": \{\n\t\t"vsphere"/m);
    assert.match(merge('{\n    "a": 1\n}').text!, /^ {4}"mcpServers": \{\n {8}"vsphere"/m);
    const crlf = merge('{\r\n  "a": 1\r\n}\r\n').text!;
    assert.equal(crlf.replace(/\r\n/g, '').includes('\n'), false);
    assert.equal(crlf.endsWith('}\r\n'), true);
  });

  it('recognises every form of our entry and updates it to the absolute bundle form', () => {
    const forms: unknown[] = [
      { command: '/old/node', args: ['/old/keybroker/dist/cli/bridge.cjs', 'vsphere'] },
      { command: 'C:\\Program Files\\nodejs\\node.exe', args: ['C:\\kb\\dist\\cli\\bridge.cjs', 'vsphere'] },
      { command: '/old/node', args: ['/old/keybroker/bin/keybroker.js', 'bridge', 'vsphere'] },
      { command: 'C:\\Program Files\\nodejs\\node.exe', args: ['C:\\kb\\bin\\keybroker.js', 'bridge', 'vsphere'] },
      { command: 'keybroker', args: ['bridge', 'vsphere'] },
      { command: '/usr/local/bin/keybroker', args: ['bridge', 'vsphere'] },
      { command: 'C:\\Users\\me\\AppData\\Roaming\\npm\\keybroker.cmd', args: ['bridge', 'vsphere'] },
    ];
    for (const old of forms) {
      const r = merge(JSON.stringify({ mcpServers: { vsphere: old } }), false, entries(LAUNCH, ['vsphere']));
      assert.deepEqual(r.changes, [{ server: 'vsphere', action: 'updated' }], JSON.stringify(old));
      assert.deepEqual((parsed(r.text)['mcpServers'] as Record<string, unknown>)['vsphere'], { command: LAUNCH.node, args: [LAUNCH.bridge, 'vsphere'] });
    }
  });

  it('keeps keys the user added to our entry, and adds a pinned home to their env', () => {
    const old = { command: '/old/node', args: ['/x/bin/keybroker.js', 'bridge', 'p6'], env: { NODE_OPTIONS: '--trace-warnings' }, disabled: false };
    const r = merge(JSON.stringify({ mcpServers: { p6: old } }), false, entries({ ...LAUNCH, home: '/kb' }, ['p6']));
    assert.deepEqual((parsed(r.text)['mcpServers'] as Record<string, unknown>)['p6'], {
      command: LAUNCH.node,
      args: [LAUNCH.bridge, 'p6'],
      env: { NODE_OPTIONS: '--trace-warnings', KEYBROKER_HOME: '/kb' },
      disabled: false,
    });
  });

  it('reports unchanged and returns no text when the file already says exactly this', () => {
    const first = merge('{"mcpServers": {}}').text!;
    const again = merge(first);
    assert.equal(again.text, undefined);
    assert.deepEqual(again.changes.map((c) => c.action), ['unchanged', 'unchanged']);
  });

  it('treats a bridge for the other server, or with extra arguments, as foreign', () => {
    for (const old of [
      { command: 'node', args: ['/kb/bin/keybroker.js', 'bridge', 'p6'] },
      { command: 'node', args: ['/kb/bin/keybroker.js', 'bridge', 'vsphere', '--debug'] },
      { command: 'node', args: ['/kb/bin/not-keybroker.js', 'bridge', 'vsphere'] },
      { command: 'node', args: ['/kb/dist/cli/bridge.cjs', 'p6'] },
      { command: 'node', args: ['/kb/dist/cli/bridge.cjs', 'vsphere', '--debug'] },
      { command: 'node', args: ['/other/bridge.cjs', 'vsphere'] },
      { command: 'keybroker', args: ['serve'] },
      { url: 'http://127.0.0.1:8080/mcp/vsphere' },
      'vsphere',
    ]) {
      assert.throws(() => merge(JSON.stringify({ mcpServers: { vsphere: old } })), CliError, JSON.stringify(old));
    }
  });

  it('names every foreign server in one line', () => {
    const text = JSON.stringify({ mcpServers: { vsphere: { command: 'npx' }, p6: { command: 'uvx\nEVIL' } } });
    assert.throws(() => merge(text), (e: Error) => {
      assert.equal(e.message, `/c.json already has a "vsphere" server (it runs "npx") and a "p6" server (it runs "uvx EVIL"), not KeyBroker's bridge; rerun with --force to replace (a backup is kept) or rename that server in the file`);
      return true;
    });
  });

  it('with force, replaces a foreign entry in place without keeping its keys', () => {
    const text = JSON.stringify({ mcpServers: { a: {}, vsphere: { command: 'npx', env: { TOKEN: 't' } }, z: {} } });
    const r = merge(text, true, entries(LAUNCH, ['vsphere']));
    const servers = parsed(r.text)['mcpServers'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(servers), ['a', 'vsphere', 'z']);
    assert.deepEqual(servers['vsphere'], { command: LAUNCH.node, args: [LAUNCH.bridge, 'vsphere'] });
  });

  it('keeps a server named "__proto__" as plain data', () => {
    const r = merge('{"mcpServers": {"__proto__": {"command": "x"}}}');
    const servers = parsed(r.text)['mcpServers'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(servers), ['__proto__', 'vsphere', 'p6']);
    assert.equal(Object.getPrototypeOf(servers), Object.prototype);
  });
});
