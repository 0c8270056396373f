import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Config } from '../../src/base/contracts/config.js';
import { ControlServer } from '../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../mocks/fake-control-handler.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { readAllFiles, runIn } from './harness.js';

const KEY_LINE = /^kb_[A-Za-z0-9_-]{43}$/;

/** The key lines a run printed (a key is always alone on its line). */
const keysIn = (stdout: string): string[] => stdout.split('\n').filter((l) => KEY_LINE.test(l));

describe('keybroker http', () => {
  let base: string;
  let home: string;
  let keychain: MemoryKeychain;
  const http = (args: string[]) => runIn(home, ['http', ...args], { keychain });
  const readConfig = (): Config => Config.parse(JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')));

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-http-'));
    home = path.join(base, 'home');
    keychain = new MemoryKeychain();
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  describe('enable', () => {
    it('creates a key in the keychain, prints it once with how to send it, and enables the front door', async () => {
      const r = await http(['enable']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const stored = keychain.items.get('http:api-key');
      assert.ok(stored && KEY_LINE.test(stored), 'enable stored an API key of the expected shape in the keychain');
      assert.deepEqual(keysIn(r.stdout), [stored]);
      assert.equal(r.stdout.split(stored).length, 2, 'the key appears exactly once');
      assert.match(r.stdout, /http:\/\/127\.0\.0\.1:47100\/mcp\/vsphere/);
      assert.match(r.stdout, /"x-api-key" header, or as "Authorization: Bearer <key>"/);
      assert.deepEqual(readConfig().http, { enabled: true, port: 47100, apiKeyHeader: 'x-api-key', corsOrigins: [], rateLimitPerMinute: 600 });
      // Security: the key is in no file under home (config.json included).
      for (const { file, bytes } of readAllFiles(home)) assert.equal(bytes.includes(stored), false, `${file} holds the key`);
    });

    it('keeps an existing key and does not print it again', async () => {
      const first = await http(['enable']);
      const key = keysIn(first.stdout)[0]!;
      const again = await http(['enable', '--port', '48000']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(keychain.items.get('http:api-key'), key);
      assert.deepEqual(keysIn(again.stdout), []);
      assert.ok(!again.stdout.includes(key), 'a second enable does not print the stored key again');
      assert.match(again.stdout, /existing API key/);
      assert.equal(readConfig().http.port, 48000);
    });

    it('takes the port, CORS origins, header name and rate limit from options', async () => {
      const r = await http(['enable', '--port', '47999', '--cors', 'https://App.example/', '--cors', 'http://localhost:5173', '--header', 'X-KeyBroker-Key', '--rate-limit', '120']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readConfig().http, {
        enabled: true, port: 47999, apiKeyHeader: 'x-keybroker-key', corsOrigins: ['https://app.example', 'http://localhost:5173'], rateLimitPerMinute: 120,
      });
      assert.match(r.stdout, /"x-keybroker-key" header/);
      assert.equal((await http(['enable', '--no-cors'])).code, 0);
      assert.deepEqual(readConfig().http.corsOrigins, []);
      assert.equal(readConfig().http.port, 47999, 'a later enable keeps the port');
    });

    it('refuses bad options with a usage error and changes nothing', async () => {
      for (const args of [['--port', '0'], ['--port', '80'], ['--port', '70000'], ['--port', 'x'], ['--cors', 'null'], ['--cors', 'https://a.example/path'], ['--header', 'authorization'], ['--header', 'bad header'], ['--rate-limit', '0'], ['extra']]) {
        const r = await http(['enable', ...args]);
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.stderr.split('\n').length, 2, 'one line');
        assert.equal(r.stdout, '');
      }
      assert.equal(keychain.items.size, 0);
      assert.equal(fs.existsSync(path.join(home, 'config.json')), false);
    });

    it('rolls the new key back when config.json cannot be saved', async () => {
      fs.mkdirSync(home, { recursive: true });
      fs.writeFileSync(path.join(home, 'config.json'), '{ not json');
      const r = await http(['enable']);
      assert.equal(r.code, 1);
      assert.equal(keychain.items.size, 0);
      assert.deepEqual(keysIn(r.stdout + r.stderr), []);
    });

    it('tells a running host to reload, without the key', async () => {
      const handler = new FakeControlHandler();
      const server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
      try {
        assert.equal((await http(['enable'])).code, 0);
        assert.deepEqual(handler.calls, [{ op: 'config.reload', args: [[]] }]);
      } finally {
        await server.close();
      }
    });
  });

  describe('rotate-key', () => {
    it('replaces the key and prints the new one once', async () => {
      const old = keysIn((await http(['enable'])).stdout)[0]!;
      const r = await http(['rotate-key']);
      assert.equal(r.code, 0, r.stderr);
      const fresh = keychain.items.get('http:api-key')!;
      assert.notEqual(fresh, old);
      assert.deepEqual(keysIn(r.stdout), [fresh]);
      assert.ok(!r.stdout.includes(old), 'rotate does not print the old key');
      assert.match(r.stdout, /old key no longer works/);
    });
  });

  describe('--json (D151)', () => {
    it('enable and rotate-key print the new key once as data for a script, and never a kept key', async () => {
      let r = await http(['enable', '--port', '47111', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const created = keychain.items.get('http:api-key')!;
      assert.deepEqual(JSON.parse(r.stdout), { url: 'http://127.0.0.1:47111/mcp/SERVER', port: 47111, apiKeyHeader: 'x-api-key', apiKey: created });

      r = await http(['enable', '--json']);
      assert.deepEqual(JSON.parse(r.stdout), { url: 'http://127.0.0.1:47111/mcp/SERVER', port: 47111, apiKeyHeader: 'x-api-key', apiKey: null });
      assert.equal(r.stdout.includes(created), false, 'a kept key was shown again');

      r = await http(['rotate-key', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const rotated = keychain.items.get('http:api-key')!;
      assert.notEqual(rotated, created);
      assert.deepEqual(JSON.parse(r.stdout), { enabled: true, apiKeyHeader: 'x-api-key', apiKey: rotated });
      for (const { file, bytes } of readAllFiles(home)) assert.equal(bytes.includes(rotated), false, `${file} holds the key`);
    });
  });

  describe('disable', () => {
    it('turns the front door off and keeps the key unless --delete-key', async () => {
      await http(['enable']);
      const r = await http(['disable']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readConfig().http.enabled, false);
      assert.ok(keychain.items.has('http:api-key'), 'disable keeps the API key in the keychain');
      assert.equal((await http(['disable', '--delete-key'])).code, 0);
      assert.equal(keychain.items.has('http:api-key'), false);
      assert.equal(readConfig().http.port, 47100, 'the port is remembered for the next enable');
    });
  });

  describe('status', () => {
    it('shows the settings and whether a key is set, never the key', async () => {
      const fresh = await http(['status', '--json']);
      assert.equal(fresh.code, 0);
      assert.deepEqual(JSON.parse(fresh.stdout), {
        enabled: false, port: 0, apiKeyHeader: 'x-api-key', corsOrigins: [], rateLimitPerMinute: 600, url: null, apiKey: 'missing',
      });
      const key = keysIn((await http(['enable', '--cors', '*'])).stdout)[0]!;
      const human = await http(['status']);
      assert.match(human.stdout, /^HTTP front door: enabled$/m);
      assert.match(human.stdout, /http:\/\/127\.0\.0\.1:47100\/mcp\/SERVER/);
      assert.match(human.stdout, /API key: +set/);
      const json = JSON.parse((await http(['status', '--json'])).stdout);
      assert.equal(json.apiKey, 'set');
      assert.deepEqual(json.corsOrigins, ['*']);
      assert.ok(!human.stdout.includes(key), 'status never prints the API key');
    });
  });

  it('refuses an unknown sub-command with a usage error', async () => {
    const r = await http(['open']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected enable, disable, rotate-key or status/);
  });
});
