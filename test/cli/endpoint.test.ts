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
import { readAllFiles, runIn } from './harness.js';
import { passwordOf } from '../support/password-of.js';

const PASSWORD = 'S3cr3t-pässwörd!';
const TEST_CA = `-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIUKY22gTkYlY61gHFBtCTlO9SEip0wCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRS2V5QnJva2VyIFRlc3QgQ0EwIBcNMjYxMTI0MTEwMjM2WhgP
MjEyNjEwMzExMTAyMzZaMBwxGjAYBgNVBAMMEUtleUJyb2tlciBUZXN0IENBMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIqqJKTQJ1ZdVY7I1tdb/xv5zWOUoGg+r
fJvj0gUjLRSOoAn3EU7KCyYLHfzf6ZSRMV0EVTeY6TjqJja6oFzOE6NTMFEwHQYD
VR0OBBYEFBBEqAmovbMVPz/MTfggPZbXy3AgMB8GA1UdIwQYMBaAFBBEqAmovbMV
Pz/MTfggPZbXy3AgMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIh
AJiyf64AZJUfDh3+kfqJ2nTZlasQ4f8Lv1n/FZ7Oj2K8AiALHA5K0UnNdNjpgMKf
d7anrSEjOEsirl0AkXVhS4EDvw==
-----END CERTIFICATE-----
`;
const FP_LOWER = 'ab'.repeat(32);
const FP_NORMAL = Array(32).fill('AB').join(':');

describe('keybroker endpoint', () => {
  let base: string;
  let home: string;
  let keychain: MemoryKeychain;
  const readConfig = (): Config => Config.parse(JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')));
  // These hosts do not exist: the login test is covered against real upstreams in endpoint-verify.test.ts.
  const add = (args: string[], stdin: string | undefined = `${PASSWORD}\n`) => runIn(home, ['endpoint', 'add', args[0]!, '--no-verify', ...args.slice(1)], { stdin, keychain });

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ep-'));
    home = path.join(base, 'home');
    keychain = new MemoryKeychain();
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  describe('add', () => {
    it('stores the password in the keychain only and the endpoint in config.json, with /sdk by default', async () => {
      const r = await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'administrator@vsphere.local', '--password-stdin']);
      assert.deepEqual(r, { code: 0, stdout: 'added vsphere endpoint vc1 (credential endpoint:vc1, TTL 4h)\n', stderr: '' });
      assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), PASSWORD); // one trailing newline stripped
      const cfg = readConfig();
      assert.deepEqual(cfg.endpoints, [{
        id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'administrator@vsphere.local',
        tls: { verify: true }, readOnly: false, credential: 'endpoint:vc1',
      }]);
      assert.deepEqual(cfg.credentials, [{ id: 'endpoint:vc1', ttlSeconds: 14_400 }]);
      // Security: the password is in no file under home, in any encoding we might have used.
      const needles = [PASSWORD, Buffer.from(PASSWORD).toString('base64'), JSON.stringify(PASSWORD).slice(1, -1)];
      for (const { file, bytes } of readAllFiles(home)) {
        for (const n of needles) assert.equal(bytes.includes(n), false, `${file} contains the password`);
      }
      assert.equal(fs.statSync(path.join(home, 'config.json')).mode & 0o777, 0o600);
    });

    it('adds a p6 endpoint with /p6ws/restapi by default, pinned fingerprint, custom CA, read-only and TTL', async () => {
      const ca = path.join(base, 'ca.pem');
      fs.writeFileSync(ca, TEST_CA);
      const r = await add([
        'p6', 'p6prod', '--url', 'https://p6.corp.example:8443/', '--user', 'admin', '--database', 'PMDB', '--login-variant', 'both',
        '--fingerprint', FP_LOWER, '--ca', path.relative(process.cwd(), ca), '--read-only', '--ttl', '1h30m', '--password-stdin',
      ], 'pw\r\n');
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, 'added p6 endpoint p6prod (credential endpoint:p6prod, TTL 1h30m)\n');
      assert.equal(passwordOf(keychain.items.get('endpoint:p6prod')), 'pw');
      const cfg = readConfig();
      assert.deepEqual(cfg.endpoints[0], {
        id: 'p6prod', kind: 'p6', url: 'https://p6.corp.example:8443/p6ws/restapi', username: 'admin', database: 'PMDB', loginVariant: 'both',
        tls: { verify: true, caFile: ca, fingerprintSha256: FP_NORMAL }, readOnly: true, credential: 'endpoint:p6prod',
      });
      assert.deepEqual(cfg.credentials, [{ id: 'endpoint:p6prod', ttlSeconds: 5_400 }]);
    });

    it('allows plain http only for a loopback host', async () => {
      assert.equal((await add(['p6', 'local', '--url', 'http://127.0.0.1:9000', '--user', 'u', '--database', 'D', '--password-stdin'])).code, 0);
      assert.equal(readConfig().endpoints[0]?.url, 'http://127.0.0.1:9000/p6ws/restapi');
      const r = await add(['vsphere', 'vc1', '--url', 'http://vc1.corp.example', '--user', 'u', '--password-stdin']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--url must use https/);
    });

    it('refuses bad input with one line on stderr and exit 2, writing nothing', async () => {
      const ca = path.join(base, 'not-a-cert.pem');
      fs.writeFileSync(ca, 'hello\n');
      const ok = ['--url', 'https://vc1.corp.example', '--user', 'u'];
      const cases: Array<[string[], string | undefined, RegExp]> = [
        [['vsphere', 'vc1', ...ok], `${PASSWORD}\n`, /--password-stdin/],
        [['vsphere', 'vc1', ...ok, '--password', PASSWORD], undefined, /never taken from the command line/],
        [['vsphere', 'vc1', ...ok, `--password=${PASSWORD}`], undefined, /never taken from the command line/],
        [['vsphere', 'vc1', ...ok, '--password-stdin'], '', /no password on stdin/],
        [['vsphere', 'vc1', ...ok, '--password-stdin'], '\n', /no password on stdin/],
        [['vsphere', 'vc1', ...ok, '--password-stdin'], 'a\nb\n', /more than one line/],
        [['vsphere', 'vc1', ...ok, '--password-stdin'], 'x'.repeat(5000), /longer than 4096 bytes/],
        [['esx', 'vc1', ...ok, '--password-stdin'], undefined, /expected vsphere or p6/],
        // A kind that is not registered, prototype keys included (issue 13 review).
        ...['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'VSPHERE', ''].map((kind): [string[], string | undefined, RegExp] => [[kind, 'vc1', ...ok, '--password-stdin'], undefined, /expected vsphere or p6 after "endpoint add"/]),
        [['vsphere', ...ok, '--password-stdin'], undefined, /missing NAME/],
        [['vsphere', 'vc1', 'extra', ...ok, '--password-stdin'], undefined, /unexpected argument "extra"/],
        [['vsphere', 'bad/name', ...ok, '--password-stdin'], undefined, /^keybroker endpoint: NAME: use 1-64 letters/],
        [['vsphere', 'vc1', '--user', 'u', '--password-stdin'], undefined, /missing --url/],
        [['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--password-stdin'], undefined, /missing --user/],
        [['vsphere', 'vc1', '--url', 'not a url', '--user', 'u', '--password-stdin'], undefined, /--url is not a URL/],
        [['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u\u001b]0;x\u0007', '--password-stdin'], `${PASSWORD}\n`, /^keybroker endpoint: --user holds a control, line-break or invisible character; type the user name itself\n$/],
        [['vsphere', 'vc1', '--url', 'https://root:pw@vc1.corp.example', '--user', 'u', '--password-stdin'], undefined, /must not contain a user name or password/],
        [['vsphere', 'vc1', ...ok, '--fingerprint', 'abc', '--password-stdin'], undefined, /--fingerprint: expected a SHA-256 fingerprint/],
        [['vsphere', 'vc1', ...ok, '--ca', path.join(base, 'missing.pem'), '--password-stdin'], undefined, /--ca .*missing\.pem does not exist/],
        [['vsphere', 'vc1', ...ok, '--ca', ca, '--password-stdin'], undefined, /holds no PEM certificate/],
        [['vsphere', 'vc1', ...ok, '--ttl', '4 hours', '--password-stdin'], undefined, /--ttl "4 hours" is not a duration/],
        [['vsphere', 'vc1', ...ok, '--ttl', '30s', '--password-stdin'], undefined, /--ttl 30s is out of range; use between 1m and 7d/],
        [['vsphere', 'vc1', ...ok, '--domain', 'other.example', '--password-stdin'], undefined, /not inside --domain other\.example/],
        [['vsphere', 'vc1', ...ok, '--domain', 'not_a_domain', '--password-stdin'], undefined, /--domain: use a DNS domain/],
        [['vsphere', 'vc1', ...ok, '--database', 'D', '--password-stdin'], undefined, /Unknown option '--database'.*usage: keybroker endpoint add vsphere/],
        [['p6', 'p1', ...ok, '--password-stdin'], undefined, /missing --database/],
        [['p6', 'p1', ...ok, '--database', 'D', '--login-variant', 'cookie', '--password-stdin'], undefined, /--login-variant: Invalid option/],
        [['vsphere', 'vc1', ...ok, '--url'], undefined, /argument missing/],
        // One value given twice: parseArgs would keep the last silently (D143).
        [['vsphere', 'vc1', ...ok, '--url', 'https://vc2.corp.example', '--password-stdin'], `${PASSWORD}\n`, /--url is given more than once; give it once; usage: keybroker endpoint add vsphere/],
        [['vsphere', 'vc1', ...ok, '--user=v', '--password-stdin'], `${PASSWORD}\n`, /--user is given more than once/],
      ];
      for (const [args, stdin, expected] of cases) {
        const r = await add(args, stdin);
        const label = args.join(' ');
        assert.equal(r.code, 2, `${label}: ${r.stderr}`);
        assert.match(r.stderr, expected, label);
        assert.match(r.stderr, /^keybroker endpoint: [^\n]+\n$/, `${label}: not one line`);
        assert.equal(r.stdout, '');
        // Security: a password that reached argv or stdin is never echoed back.
        assert.equal(r.stderr.includes(PASSWORD), false, label);
      }
      assert.equal(keychain.items.size, 0);
      assert.equal(fs.existsSync(path.join(home, 'config.json')), false);
    });

    it('refuses a name that exists (any case) with exit 1 and leaves its password alone', async () => {
      await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin']);
      const before = fs.readFileSync(path.join(home, 'config.json'), 'utf8');
      const r = await add(['vsphere', 'VC1', '--url', 'https://vc9.corp.example', '--user', 'u', '--password-stdin'], 'other\n');
      assert.equal(r.code, 1);
      assert.equal(r.stderr, "keybroker endpoint: endpoint vc1 already exists; change it with 'keybroker endpoint update vc1 ...' (see 'keybroker help')\n");
      assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), PASSWORD);
      assert.equal(fs.readFileSync(path.join(home, 'config.json'), 'utf8'), before);
    });

    it('rolls the keychain item back when the config write fails', async () => {
      // Another writer adds the same name between our keychain write and our config write.
      keychain.afterSet = () => {
        fs.mkdirSync(home, { recursive: true });
        fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({
          version: 1,
          endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://x.example/sdk', username: 'u', tls: { verify: true }, readOnly: false, credential: 'domain:x.example' }],
          credentials: [{ id: 'domain:x.example', domain: 'x.example' }],
        }));
      };
      const r = await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /already exists/);
      assert.equal(keychain.items.has('endpoint:vc1'), false);
      assert.deepEqual(keychain.calls, ['get:endpoint:vc1', 'set:endpoint:vc1', 'delete:endpoint:vc1']);
    });

    it('keeps the keychain item when the same name was added meanwhile by another add, whose item it now is (D150)', async () => {
      // Two `endpoint add vc1` at once: the other one stored its password over ours and saved
      // its config first, so ours fails "already exists"; deleting "our" new item would leave
      // the other's endpoint without a password.
      keychain.afterSet = (account) => {
        keychain.afterSet = undefined;
        keychain.items.set(account, 'the-other-add');
        fs.mkdirSync(home, { recursive: true });
        fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({
          version: 1,
          endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'u', tls: { verify: true }, readOnly: false, credential: 'endpoint:vc1' }],
          credentials: [{ id: 'endpoint:vc1' }],
        }));
      };
      const r = await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /already exists/);
      assert.equal(passwordOf(keychain.items.get('endpoint:vc1')), 'the-other-add');
      assert.deepEqual(keychain.calls, ['get:endpoint:vc1', 'set:endpoint:vc1']);
    });

    it('restores the previous shared password when the config write fails after replacing it', async () => {
      await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--domain', 'corp.example', '--password-stdin']);
      keychain.afterSet = () => fs.writeFileSync(path.join(home, 'config.json'), '{ broken');
      const r = await add(['vsphere', 'vc2', '--url', 'https://vc2.corp.example', '--user', 'u', '--domain', 'corp.example', '--password-stdin'], 'new-password\n');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /is not valid JSON/);
      assert.equal(passwordOf(keychain.items.get('domain:corp.example')), PASSWORD);
    });

    it('fails with exit 1 and writes no secret when config.json is invalid', async () => {
      fs.mkdirSync(home, { recursive: true });
      fs.writeFileSync(path.join(home, 'config.json'), '{"version": 2}');
      const r = await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /config\.json: version/);
      assert.equal(keychain.calls.length, 0);
    });

    it('reports a keychain failure in one line, without the password, and writes no config', async () => {
      keychain.failNext = { op: 'set', error: Object.assign(new Error('Keychain unavailable: unlock the login keyring and retry'), { code: 'CORE_KEYCHAIN_UNAVAILABLE' }) };
      const r = await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'keybroker endpoint: Keychain unavailable: unlock the login keyring and retry\n');
      assert.equal(fs.existsSync(path.join(home, 'config.json')), false);
    });
  });

  describe('domain credentials', () => {
    it('share one keychain item; remove deletes it only when the last endpoint goes', async () => {
      let r = await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'svc', '--domain', '*.Corp.Example', '--ttl', '8h', '--password-stdin']);
      assert.equal(r.stdout, 'added vsphere endpoint vc1 (credential domain:corp.example, TTL 8h)\n');
      // The second endpoint reuses the stored password: no stdin needed.
      r = await add(['p6', 'p6a', '--url', 'https://p6.eu.corp.example', '--user', 'svc', '--database', 'PMDB', '--domain', 'corp.example'], undefined);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'added p6 endpoint p6a (credential domain:corp.example, TTL 8h; shared password kept)\n');
      let cfg = readConfig();
      assert.deepEqual(cfg.credentials, [{ id: 'domain:corp.example', domain: 'corp.example', ttlSeconds: 28_800 }]);
      assert.deepEqual(cfg.endpoints.map((e) => e.credential), ['domain:corp.example', 'domain:corp.example']);
      assert.deepEqual([...keychain.items.keys()], ['domain:corp.example']);

      r = await runIn(home, ['endpoint', 'remove', 'vc1'], { keychain });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'removed vsphere endpoint vc1 (credential domain:corp.example kept: other endpoints use it)\n');
      assert.equal(passwordOf(keychain.items.get('domain:corp.example')), PASSWORD);
      assert.equal(readConfig().credentials.length, 1);

      r = await runIn(home, ['endpoint', 'remove', 'p6a'], { keychain });
      assert.equal(r.stdout, 'removed p6 endpoint p6a (credential domain:corp.example deleted from the keychain)\n');
      assert.equal(keychain.items.size, 0);
      cfg = readConfig();
      assert.deepEqual([cfg.endpoints, cfg.credentials], [[], []]);
    });

    it('replaces the shared password when --password-stdin is given again', async () => {
      await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'svc', '--domain', 'corp.example', '--password-stdin']);
      const r = await add(['vsphere', 'vc2', '--url', 'https://corp.example', '--user', 'svc', '--domain', 'corp.example', '--password-stdin'], 'rotated\n');
      assert.equal(r.stdout, 'added vsphere endpoint vc2 (credential domain:corp.example, TTL 4h; shared password replaced)\n');
      assert.equal(passwordOf(keychain.items.get('domain:corp.example')), 'rotated');
    });
  });

  describe('remove', () => {
    it('deletes an endpoint-owned credential and its keychain item', async () => {
      await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin']);
      await add(['vsphere', 'vc2', '--url', 'https://vc2.corp.example', '--user', 'u', '--password-stdin']);
      const r = await runIn(home, ['endpoint', 'remove', 'VC1'], { keychain });
      assert.equal(r.stdout, 'removed vsphere endpoint vc1 (credential endpoint:vc1 deleted from the keychain)\n');
      assert.deepEqual([...keychain.items.keys()], ['endpoint:vc2']);
      assert.deepEqual(readConfig().credentials.map((c) => c.id), ['endpoint:vc2']);
    });

    it('fails with exit 1 for an unknown name and exit 2 without one', async () => {
      let r = await runIn(home, ['endpoint', 'remove', 'nope'], { keychain });
      assert.deepEqual([r.code, r.stderr], [1, `keybroker endpoint: no endpoint named "nope"; see 'keybroker endpoint list'\n`]);
      r = await runIn(home, ['endpoint', 'remove'], { keychain });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /missing NAME/);
    });

    it('reports a keychain delete failure with exit 1 after removing the endpoint from config', async () => {
      await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin']);
      keychain.failNext = { op: 'delete', error: new Error('keyring locked') };
      const r = await runIn(home, ['endpoint', 'remove', 'vc1'], { keychain });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /removed endpoint vc1, but could not delete keychain item endpoint:vc1 \(keyring locked\)/);
      assert.deepEqual(readConfig().endpoints, []);
    });
  });

  describe('list', () => {
    it('prints an aligned table with the TLS mode of each endpoint', async () => {
      const ca = path.join(base, 'ca.pem');
      fs.writeFileSync(ca, TEST_CA);
      await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'svc', '--password-stdin']);
      await add(['vsphere', 'esx-lab', '--url', 'https://esx.lab.example', '--user', 'root', '--fingerprint', FP_LOWER, '--read-only', '--password-stdin']);
      await add(['p6', 'p6', '--url', 'https://p6.corp.example', '--user', 'admin', '--database', 'PMDB', '--ca', ca, '--password-stdin']);
      const r = await runIn(home, ['endpoint', 'list']);
      assert.equal(r.code, 0);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 4);
      assert.match(lines[0]!, /^NAME +KIND +URL +USER +CREDENTIAL +READ-ONLY +TLS$/);
      assert.match(lines[1]!, /^vc1 +vsphere +https:\/\/vc1\.corp\.example\/sdk +svc +endpoint:vc1 +no +system CA$/);
      assert.match(lines[2]!, /^esx-lab +vsphere +https:\/\/esx\.lab\.example\/sdk +root +endpoint:esx-lab +yes +fingerprint-pinned$/);
      assert.match(lines[3]!, /^p6 +p6 +https:\/\/p6\.corp\.example\/p6ws\/restapi +admin +endpoint:p6 +no +custom CA$/);
      // Aligned: every column starts at the same offset on every line.
      const col = lines[0]!.indexOf('CREDENTIAL');
      for (const l of lines.slice(1)) assert.match(l.slice(col), /^endpoint:/);
    });

    it('--json prints exactly the configured endpoints as one document', async () => {
      await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'svc', '--password-stdin']);
      const r = await runIn(home, ['endpoint', 'list', '--json']);
      assert.deepEqual(JSON.parse(r.stdout), readConfig().endpoints);
      const empty = await runIn(path.join(base, 'fresh'), ['endpoint', 'list', '--json']);
      assert.deepEqual(JSON.parse(empty.stdout), []);
    });
  });

  describe('with a running host', () => {
    it('sends config.reload with the changed credential after add and remove', async () => {
      fs.mkdirSync(home, { recursive: true, mode: 0o700 });
      const handler = new FakeControlHandler();
      const server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
      try {
        assert.equal((await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin'])).code, 0);
        assert.equal((await runIn(home, ['endpoint', 'remove', 'vc1'], { keychain })).code, 0);
        assert.deepEqual(handler.calls, [
          { op: 'config.reload', args: [['endpoint:vc1']] },
          { op: 'config.reload', args: [['endpoint:vc1']] },
        ]);
      } finally {
        await server.close();
      }
    });

    it('warns but succeeds when the host fails to reload', async () => {
      fs.mkdirSync(home, { recursive: true, mode: 0o700 });
      const handler = new FakeControlHandler();
      handler.failWith = new Error('boom');
      const server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
      try {
        const r = await add(['vsphere', 'vc1', '--url', 'https://vc1.corp.example', '--user', 'u', '--password-stdin']);
        assert.equal(r.code, 0);
        assert.equal(r.stderr, 'keybroker: warning: saved, but the running host did not reload (internal error; see the host log); restart it to apply the change\n');
      } finally {
        await server.close();
      }
    });
  });
});
