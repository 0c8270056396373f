// `keybroker endpoint update` argument handling and config changes (issue 16), in-process
// with a fake keychain and --no-verify (hosts that do not exist); the login test itself runs
// against the P6 fake in endpoint-verify.test.ts.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config } from '../../src/base/contracts/config.js';
import { ControlServer } from '../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../mocks/fake-control-handler.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { runIn } from './harness.js';
import { passwordOf } from '../support/password-of.js';

describe('keybroker endpoint update', () => {
  let base: string;
  let home: string;
  let keychain: MemoryKeychain;
  const readConfig = (): Config => Config.parse(JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')));
  const cli = (argv: string[], stdin?: string) => runIn(home, argv, { keychain, ...(stdin === undefined ? {} : { stdin }) });
  const add = (args: string[], pw = 'pw') => cli(['endpoint', 'add', ...args, '--no-verify', '--password-stdin'], pw);

  beforeEach(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-epu-'));
    home = path.join(base, 'home');
    keychain = new MemoryKeychain();
    assert.equal((await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'svc', '--domain', 'corp.example'])).code, 0);
    assert.equal((await add(['vsphere', 'vc2', '--url', 'https://vc2.corp.example', '--user', 'svc', '--domain', 'corp.example'])).code, 0);
    assert.equal((await add(['p6', 'pm', '--url', 'https://p6.other.example', '--user', 'planner', '--database', 'PMDB', '--fingerprint', 'ab'.repeat(32)])).code, 0);
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('changes only what it is given and keeps everything else', async () => {
    const before = readConfig();
    const r = await cli(['endpoint', 'update', 'PM', '--url', 'https://p6b.other.example:8443', '--user', 'planner2', '--database', 'PROD', '--no-verify']);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.equal(r.stdout, 'updated p6 endpoint pm (url https://p6b.other.example:8443/p6ws/restapi; user planner2; database PROD; login not tested; any old session ended)\n');
    const after = readConfig();
    const pm = after.endpoints.find((e) => e.id === 'pm')!;
    assert.deepEqual(pm, { ...before.endpoints.find((e) => e.id === 'pm')!, url: 'https://p6b.other.example:8443/p6ws/restapi', username: 'planner2', database: 'PROD' } as typeof pm);
    assert.deepEqual(after.endpoints.map((e) => e.id), ['vc1', 'vc2', 'pm']); // order kept
    assert.equal(passwordOf(keychain.items.get('endpoint:pm')), 'pw');
  });

  it('replaces a shared domain password for every endpoint of the domain, and says so', async () => {
    const r = await cli(['endpoint', 'update', 'vc1', '--password-stdin', '--no-verify'], 'new-pw\n');
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.equal(r.stdout, 'updated vsphere endpoint vc1 (password replaced (also used by vc2); login not tested; any old session ended)\n');
    assert.equal(passwordOf(keychain.items.get('domain:corp.example')), 'new-pw');
  });

  it('refuses, with exit 2 and nothing changed: a URL outside the domain, a password in argv, both --read-only and --read-write', async () => {
    const before = fs.readFileSync(path.join(home, 'config.json'));
    let r = await cli(['endpoint', 'update', 'vc1', '--url', 'https://vc9.elsewhere.example', '--no-verify']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not inside --domain corp\.example/);
    r = await cli(['endpoint', 'update', 'vc1', '--password', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /never taken from the command line/);
    r = await cli(['endpoint', 'update', 'vc1', '--database', 'X', '--no-verify']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--database applies to p6 endpoints only/);
    r = await cli(['endpoint', 'update', 'vc1', '--read-only', '--read-write']);
    assert.equal(r.code, 2);
    assert.deepEqual(fs.readFileSync(path.join(home, 'config.json')), before);
    // The three adds only, each writing the password and then binding it (D198).
    assert.equal(keychain.calls.filter((c) => c.startsWith('set:')).length, 6);
  });

  it('tells a running host: the credential for a changed password or upstream, none for read-only or TTL', async () => {
    const handler = new FakeControlHandler();
    const server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
    try {
      assert.equal((await cli(['endpoint', 'update', 'vc2', '--read-only', '--ttl', '2h'])).code, 0);
      // A new pin of a domain endpoint needs the domain password (X2-domainpin); a new host does not.
      assert.equal((await cli(['endpoint', 'update', 'vc2', '--url', 'https://vc3.corp.example', '--no-verify'])).code, 0);
      assert.equal((await cli(['endpoint', 'update', 'pm', '--password-stdin', '--no-verify'], 'pw2')).code, 0);
      assert.deepEqual(handler.calls, [
        { op: 'config.reload', args: [[]] },
        { op: 'config.reload', args: [['domain:corp.example']] },
        { op: 'config.reload', args: [['endpoint:pm']] },
      ]);
      const cfg = readConfig();
      assert.equal(cfg.endpoints.find((e) => e.id === 'vc2')!.readOnly, true);
      assert.equal(cfg.credentials.find((c) => c.id === 'domain:corp.example')!.ttlSeconds, 7200);
    } finally {
      await server.close();
    }
  });
});
