// Issue 10 item 3 on a real Secret Service: every home keeps its items under its own
// service, and the items KeyBroker 0.1 wrote under the shared service `KeyBroker` are moved
// in without loss, also when a move is interrupted.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KEYCHAIN_SERVICE, type Keychain } from '../../../src/platform/keychain/keychain.js';
import { keychainNamespaceFile, loadKeychainNamespace } from '../../../src/platform/keychain/keychain-namespace.js';
import { migrateLegacyItems } from '../../../src/platform/keychain/migrate-legacy-items.js';
import { NapiKeychain } from '../../../src/platform/keychain/napi-keychain.js';
import { openHomeKeychain } from '../../../src/platform/keychain/open-home-keychain.js';
import { runKeybroker } from '../../support/keybroker-cli.js';
import { startServe } from '../../support/serve-process.js';
import { startSecretService, type SecretService } from '../../support/secret-service.js';
import { passwordOf } from '../../support/password-of.js';

const FINGERPRINT = 'ab'.repeat(32);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-home-kc-'));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);

/** Read an item with secret-tool, independently of the library under test. */
function lookup(ss: SecretService, service: string, account: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('secret-tool', ['lookup', 'service', service, 'username', account], { env: { PATH: process.env['PATH'] ?? '', ...ss.env } }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

/** A Keychain on a real one that fails once, at the n-th call of `op` for `account` (an interrupted migration). */
class InterruptedKeychain implements Keychain {
  private seen = 0;
  constructor(private readonly inner: Keychain, private readonly op: 'get' | 'set' | 'delete', private readonly account: string, private readonly nth = 1) {}
  private check(op: string, account: string): void {
    if (op === this.op && account === this.account && ++this.seen === this.nth) throw new Error(`interrupted at ${op} ${account}`);
  }
  async get(account: string) {
    this.check('get', account);
    return this.inner.get(account);
  }
  async set(account: string, secret: string) {
    this.check('set', account);
    await this.inner.set(account, secret);
  }
  async delete(account: string) {
    this.check('delete', account);
    return this.inner.delete(account);
  }
}

describe('openHomeKeychain on a real Secret Service', () => {
  let ss: SecretService;
  let env: NodeJS.ProcessEnv;
  const legacy = () => new NapiKeychain(KEYCHAIN_SERVICE);

  before(async () => {
    ss = await startSecretService();
    ss.apply(); // Before the first keychain call: libdbus reads the bus address once.
    env = { ...process.env };
  });
  after(async () => {
    await ss?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('two homes with the same endpoint name keep separate passwords', async () => {
    const [a, b] = [freshHome(), freshHome()];
    for (const [home, pw] of [[a, 'password-of-home-a'], [b, 'password-of-home-b']] as const) {
      const r = await runKeybroker(['endpoint', 'add', 'vsphere', 'vc', '--url', 'https://vc.example.test', '--user', 'u', '--fingerprint', FINGERPRINT, '--no-verify', '--password-stdin'], { env: { ...env, KEYBROKER_HOME: home }, stdin: `${pw}\n` });
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(passwordOf(await (await openHomeKeychain(a)).keychain.get('endpoint:vc')), 'password-of-home-a');
    assert.equal(passwordOf(await (await openHomeKeychain(b)).keychain.get('endpoint:vc')), 'password-of-home-b');
    const [nsA, nsB] = [loadKeychainNamespace(a), loadKeychainNamespace(b)];
    assert.notEqual(nsA.service, nsB.service);
    assert.match(nsA.service, /^KeyBroker\/[0-9a-f]{16}$/);
    // What another program (or a person with secret-tool) sees: one item per home, none shared.
    assert.equal(passwordOf(await lookup(ss, nsA.service, 'endpoint:vc')), 'password-of-home-a');
    assert.equal(passwordOf(await lookup(ss, nsB.service, 'endpoint:vc')), 'password-of-home-b');
    assert.equal(await lookup(ss, KEYCHAIN_SERVICE, 'endpoint:vc'), undefined);
    // Removing the endpoint in one home leaves the other's password alone.
    const rm = await runKeybroker(['endpoint', 'remove', 'vc'], { env: { ...env, KEYBROKER_HOME: a } });
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(await lookup(ss, nsA.service, 'endpoint:vc'), undefined);
    assert.equal(passwordOf(await lookup(ss, nsB.service, 'endpoint:vc')), 'password-of-home-b');
  });

  it('the next open removes the second name a creator killed between its link and its unlink left for keychain.json (D176, X2-domainpin)', async () => {
    const home = freshHome();
    const created = loadKeychainNamespace(home);
    // As a creator killed after fs.linkSync and before its rmSync leaves it: its temp name, a
    // second link to the new keychain.json, of a pid that is gone.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const leftover = path.join(home, `.keychain.json.${dead}.0123456789ab.tmp`);
    fs.linkSync(created.file, leftover);
    assert.equal(fs.statSync(created.file).nlink, 2, 'one file, two names');
    assert.equal(created.legacyMigrated, false, 'a creator writes the file not yet migrated, so the next open writes it again');

    const opened = await openHomeKeychain(home);
    assert.equal(opened.migrationError, undefined, 'the open went through');
    assert.deepEqual(fs.readdirSync(home).sort(), ['keychain.json'], 'the leftover is gone');
    const ns = loadKeychainNamespace(home);
    assert.equal(ns.id, created.id, 'the namespace kept its id');
    assert.equal(ns.legacyMigrated, true, 'and was written once more');
    assert.equal(fs.statSync(ns.file).nlink, 1, 'keychain.json has one name again');
  });

  it("moves an existing install's items (written the old way) into the home's namespace, without loss, once", async () => {
    const home = freshHome();
    const cli = (args: string[], stdin?: string) => runKeybroker(args, { env: { ...env, KEYBROKER_HOME: home }, stdin });
    for (const name of ['vc1', 'vc2']) assert.equal((await cli(['endpoint', 'add', 'vsphere', name, '--url', `https://${name}.example.test`, '--user', 'u', '--fingerprint', FINGERPRINT, '--no-verify', '--password-stdin'], `pw-${name}\n`)).code, 0);
    assert.equal((await cli(['http', 'enable', '--port', '47999'])).code, 0);
    // Turn it into a 0.1 install: items under the shared service, no namespace file.
    const before = await openHomeKeychain(home);
    const secrets: Record<string, string> = {};
    for (const account of ['endpoint:vc1', 'endpoint:vc2', 'http:api-key']) {
      secrets[account] = (await before.keychain.get(account))!;
      await legacy().set(account, secrets[account]!);
      assert.equal(await before.keychain.delete(account), true);
    }
    fs.rmSync(keychainNamespaceFile(home));
    await legacy().set('endpoint:not-this-home', 'belongs-to-another-home');

    const opened = await openHomeKeychain(home);
    assert.equal(opened.migrationError, undefined);
    assert.deepEqual(opened.migration, { moved: ['endpoint:vc1', 'endpoint:vc2', 'http:api-key'], superseded: [] });
    const ns = loadKeychainNamespace(home);
    assert.equal(ns.legacyMigrated, true);
    for (const [account, secret] of Object.entries(secrets)) {
      assert.equal(await lookup(ss, ns.service, account), secret, `${account} moved`);
      assert.equal(await lookup(ss, KEYCHAIN_SERVICE, account), undefined, `${account} removed from the old place`);
    }
    assert.equal(await lookup(ss, KEYCHAIN_SERVICE, 'endpoint:not-this-home'), 'belongs-to-another-home', 'names this home does not use are left alone');
    // The real CLI sees the moved key; a second open moves nothing.
    const status = await cli(['http', 'status', '--json']);
    assert.match(status.stdout, /"apiKey":\s*"set"/);
    assert.equal((await openHomeKeychain(home)).migration, undefined);
    await legacy().delete('endpoint:not-this-home');
  });

  it('`keybroker serve` moves a 0.1 home\'s items into its namespace at the first start, and says so', async () => {
    const home = freshHome();
    const homeEnv = { ...env, KEYBROKER_HOME: home };
    const add = await runKeybroker(['endpoint', 'add', 'vsphere', 'vcs', '--url', 'https://vcs.example.test', '--user', 'u', '--fingerprint', FINGERPRINT, '--no-verify', '--password-stdin'], { env: homeEnv, stdin: 'pw-serve\n' });
    assert.equal(add.code, 0, add.stderr);
    // As 0.1 left it: the item under the shared service, no namespace file.
    const { keychain } = await openHomeKeychain(home);
    await legacy().set('endpoint:vcs', 'pw-serve');
    await keychain.delete('endpoint:vcs');
    fs.rmSync(keychainNamespaceFile(home));

    const serve = await startServe(homeEnv);
    try {
      assert.match(serve.stderr(), /moved 1 keychain item\(s\) of KeyBroker 0\.1 into this home's own namespace/);
      const ns = loadKeychainNamespace(home);
      assert.equal(ns.legacyMigrated, true);
      assert.equal(await lookup(ss, ns.service, 'endpoint:vcs'), 'pw-serve');
      assert.equal(await lookup(ss, KEYCHAIN_SERVICE, 'endpoint:vcs'), undefined);
    } finally {
      assert.equal(await serve.stop(), 0);
    }
    assert.doesNotMatch(serve.stderr(), /pw-serve/);
  });

  for (const [op, nth] of [['set', 1], ['get', 2], ['delete', 1]] as const) {
    it(`an interrupted migration (at the ${nth === 2 ? 'read-back' : op} of the second item) loses nothing and completes on the next run`, async () => {
      const tag = `${op}${nth}`;
      const accounts = ['a', 'b', 'c'].map((x) => `endpoint:${tag}-${x}`);
      const secrets = Object.fromEntries(accounts.map((a) => [a, `secret-${a}`]));
      for (const a of accounts) await legacy().set(a, secrets[a]!);
      const current = new NapiKeychain(`KeyBroker/interrupted-${tag}`);
      const [, second] = accounts as [string, string, string];
      const legacyFaulty = op === 'delete' ? new InterruptedKeychain(legacy(), 'delete', second) : legacy();
      const currentFaulty = op === 'delete' ? current : new InterruptedKeychain(current, op, second, nth);
      await assert.rejects(migrateLegacyItems(legacyFaulty, currentFaulty, accounts), /interrupted/);
      // Nothing lost: every password is still in one place or the other.
      for (const a of accounts) assert.equal((await current.get(a)) ?? (await legacy().get(a)), secrets[a], `${a} after the interruption`);
      const again = await migrateLegacyItems(legacy(), current, accounts);
      assert.equal(again.moved.length + again.superseded.length, 2, JSON.stringify(again));
      for (const a of accounts) {
        assert.equal(await current.get(a), secrets[a], `${a} in the namespace`);
        assert.equal(await lookup(ss, KEYCHAIN_SERVICE, a), undefined, `${a} gone from the old place`);
      }
      assert.deepEqual(await migrateLegacyItems(legacy(), current, accounts), { moved: [], superseded: [] }, 'idempotent');
    });
  }

  it('keeps the old item when the copy does not read back the same', async () => {
    const account = 'endpoint:bad-copy';
    await legacy().set(account, 'the-real-password');
    const real = new NapiKeychain('KeyBroker/bad-copy');
    const garbling: Keychain = { get: (a) => real.get(a), set: (a) => real.set(a, 'garbled'), delete: (a) => real.delete(a) };
    await assert.rejects(migrateLegacyItems(legacy(), garbling, [account]), (e: Error & { code?: string }) => e.code === 'CORE_KEYCHAIN_FAILED' && /old item was kept/.test(e.message));
    assert.equal(await lookup(ss, KEYCHAIN_SERVICE, account), 'the-real-password');
    await legacy().delete(account);
  });

  it('lets a password stored in the namespace after an interruption win over the stale old one', async () => {
    const account = 'endpoint:newer';
    await legacy().set(account, 'old-password');
    const current = new NapiKeychain('KeyBroker/newer');
    await current.set(account, 'new-password');
    assert.deepEqual(await migrateLegacyItems(legacy(), current, [account]), { moved: [], superseded: [account] });
    assert.equal(await current.get(account), 'new-password');
    assert.equal(await legacy().get(account), undefined);
  });
});

describe('the keychain namespace file', () => {
  it('is created once, 0600, and every later open (or a racing one) gets the same id', () => {
    const home = freshHome();
    const first = loadKeychainNamespace(home);
    const again = loadKeychainNamespace(home);
    assert.equal(again.id, first.id);
    if (process.platform !== 'win32') assert.equal(fs.statSync(first.file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(home).sort(), ['keychain.json']);
  });

  it('refuses a damaged file with a line that says what to do, and leaves it alone', () => {
    const home = freshHome();
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(keychainNamespaceFile(home), '{"version":1,"id":"XYZ"}');
    assert.throws(() => loadKeychainNamespace(home), (e: Error & { code?: string }) => e.code === 'CORE_KEYCHAIN_NAMESPACE_INVALID' && /id: must be 16 lower-case hex digits.*restore it from a backup/.test(e.message));
    assert.equal(fs.readFileSync(keychainNamespaceFile(home), 'utf8'), '{"version":1,"id":"XYZ"}');
  });
});
