// Round 12's three seams of D198/D222/D223, on real parts: the private Secret Service holds
// the items, the real CLI (bin/keybroker.js) writes them, the P6 fake over TLS is the server
// where a login is involved (no real P6 runs here), and bwrap mounts the home read-only where
// a config.json write must fail (the tests run as root, whom a chmod does not stop).
//  1. A typed domain password is bound to the endpoint it was typed for and the ones its item
//     was bound to, not to an in-domain endpoint config.json gained with its own pin.
//  2. A login test from the shell never sends a 0.1 password (no recorded servers).
//  3. An item an earlier run left pending (the old password beside the new one) is settled
//     when a config write fails, not restored pending.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Endpoint } from '../../src/base/contracts/endpoint.js';
import type { Keychain } from '../../src/platform/keychain/keychain.js';
import { openHomeKeychain } from '../../src/platform/keychain/open-home-keychain.js';
import { decodePassword, routePassword, writeTypedPassword } from '../../src/platform/keychain/password-envelope.js';
import { startP6Fake, type P6Fake } from '../fixtures/p6/start-p6-fake.js';
import { KEYBROKER_BIN, runKeybroker } from '../support/keybroker-cli.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { runIn } from '../cli/harness.js';

const OLD = 'old-Domain-password';
const NEW = 'new-Domain-password';
const PIN_VC2 = '12'.repeat(32);
const PIN_EVIL = 'ee'.repeat(32);

describe('where a typed or stored password goes: round 12 seams (real Secret Service, real CLI)', () => {
  let ss: SecretService;
  let base: string;
  let fake: P6Fake;

  before(async () => {
    ss = await startSecretService();
    ss.apply();
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-envelope-seams-'));
    fake = await startP6Fake({ users: [{ username: 'planner', password: OLD }, { username: 'planner2', password: OLD }], databases: ['PMDB'], tls: true });
  });

  after(async () => {
    await fake?.stop();
    await ss?.stop();
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  /** A fresh home, its CLI, its keychain and its config.json. */
  async function newHome(name: string) {
    const home = path.join(base, name);
    const env = { ...process.env, KEYBROKER_HOME: home };
    const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, ...(stdin === undefined ? {} : { stdin }) });
    const config = () => JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')) as { endpoints: Endpoint[] };
    const writeConfig = (c: unknown) => fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(c, null, 2), { mode: 0o600 });
    return { home, env, cli, config, writeConfig, keychain: async (): Promise<Keychain> => (await openHomeKeychain(home)).keychain };
  }

  it("Security: a typed domain password is not bound to an in-domain endpoint config.json gained with its own pin (Z6's finding)", async () => {
    const h = await newHome('domain');
    const add = (id: string, extra: string[], pw: string) => h.cli(['endpoint', 'add', 'vsphere', id, '--url', `https://${id}.corp.example`, '--user', 'admin', '--domain', 'corp.example', ...extra, '--no-verify', '--password-stdin'], pw);
    assert.equal((await add('vc1', [], OLD)).code, 0, 'the user adds vc1');
    const vc2 = await add('vc2', ['--fingerprint', PIN_VC2], OLD);
    assert.equal(vc2.code, 0, `the user adds vc2 with its pin, typing the password: ${vc2.stderr}`);
    // The plant: a program that can write config.json adds an in-domain host with its own pin.
    const config = h.config();
    const evil: Endpoint = { ...config.endpoints.find((e) => e.id === 'vc1')!, id: 'evil', url: 'https://evil.corp.example/sdk', tls: { verify: true, fingerprintSha256: PIN_EVIL } };
    h.writeConfig({ ...config, endpoints: [...config.endpoints, evil] });
    // The user's next typed domain password (a rotation, for vc1).
    const rotated = await h.cli(['endpoint', 'update', 'vc1', '--no-verify', '--password-stdin'], NEW);
    assert.equal(rotated.code, 0, `the rotation: ${rotated.stderr}`);
    const item = decodePassword((await (await h.keychain()).get('domain:corp.example'))!);
    assert.equal(item.password, NEW, 'the typed password is stored');
    assert.equal(item.was, undefined, 'the write finished');
    assert.deepEqual(item.bindings, [{ origin: 'https://vc1.corp.example' }, { origin: 'https://vc2.corp.example', pin: PIN_VC2 }], 'bound to vc1 (typed for) and vc2 (bound before), not to the planted host');
    const route = routePassword(evil, item);
    assert.deepEqual(route.ok ? 'sent' : route.message, "evil now points at https://evil.corp.example; its password was stored for https://vc1.corp.example, https://vc2.corp.example: type it again in Settings or 'keybroker endpoint update evil --password-stdin'", 'the planted pin gets nothing');
    // Typing it for the planted endpoint itself is the person naming it: bound then (SECURITY.md says so).
    assert.equal((await h.cli(['endpoint', 'update', 'evil', '--no-verify', '--password-stdin'], NEW)).code, 0, 'named by the person');
    assert.equal(routePassword(evil, decodePassword((await (await h.keychain()).get('domain:corp.example'))!)).ok, true, 'bound once named');
  });

  it("Security: 'endpoint update pm --user X' does not send a 0.1 password (no recorded servers) in its login test; --no-verify leaves it to the unlock's consent", async () => {
    const h = await newHome('legacy');
    const add = await h.cli(['endpoint', 'add', 'p6', 'pm', '--url', fake.url, '--user', 'planner', '--database', 'PMDB', '--ca', fake.caFile!, '--password-stdin'], OLD);
    assert.equal(add.code, 0, add.stderr);
    const keychain = await h.keychain();
    await keychain.set('endpoint:pm', OLD); // the item as 0.1 left it
    const update = await h.cli(['endpoint', 'update', 'pm', '--user', 'planner2']);
    assert.deepEqual({ code: update.code, stderr: update.stderr }, { code: 1, stderr: "keybroker endpoint: the stored password of endpoint:pm has no recorded servers yet (KeyBroker 0.1 saved it), so a login test does not send it: type it again with --password-stdin, or add --no-verify (its next unlock asks you to bind it to the servers it names)\n" }, 'refused with what to do');
    assert.equal(fake.loginAttempts('planner2'), 0, 'the server was not sent the password');
    assert.equal(h.config().endpoints[0]!.username, 'planner', 'nothing changed');
    const skipped = await h.cli(['endpoint', 'update', 'pm', '--user', 'planner2', '--no-verify']);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.equal(fake.loginAttempts('planner2'), 0, 'still nothing sent');
    assert.equal(await keychain.get('endpoint:pm'), OLD, 'still unbound: its first unlock asks for the binding (D222)');
    const typed = await h.cli(['endpoint', 'update', 'pm', '--password-stdin'], OLD);
    assert.equal(typed.code, 0, `typing it again works: ${typed.stderr}`);
    assert.equal(fake.loginAttempts('planner2'), 1, 'the typed password is tested');
  });

  it('an item a killed run left pending is settled, not restored pending, when the next config write fails (read-only home)', { skip: process.platform !== 'linux' && 'bwrap' }, async () => {
    const h = await newHome('pending');
    assert.equal((await h.cli(['endpoint', 'add', 'p6', 'pm', '--url', 'https://p6.other.example', '--user', 'planner', '--database', 'PMDB', '--no-verify', '--password-stdin'], OLD)).code, 0);
    const keychain = await h.keychain();
    // `endpoint update pm --url https://p6-new.other.example --password-stdin`, killed after its first write.
    const pm = h.config().endpoints[0]!;
    await writeTypedPassword(keychain, 'endpoint:pm', NEW, [{ ...pm, url: 'https://p6-new.other.example/p6ws/restapi' }], 'pm');
    assert.equal(decodePassword((await keychain.get('endpoint:pm'))!).was?.password, OLD, 'pending: the old password beside the new one');
    // The next run, with the home on a read-only mount: its config write fails.
    const r = spawnSync('bwrap', ['--dev-bind', '/', '/', '--ro-bind', h.home, h.home, '--', process.execPath, KEYBROKER_BIN, 'endpoint', 'update', 'pm', '--no-verify', '--password-stdin'], { env: h.env, input: 'third-Password', encoding: 'utf8' });
    assert.equal(r.status, 1, `the write fails: ${r.stderr}`);
    assert.match(r.stderr, /^keybroker endpoint: cannot open \S+config\.json\.lock\S* \(EROFS\): the file system is read-only; use a writable KEYBROKER_HOME\n$/, 'one line that says what to do');
    // config.json still points at the old server: the item is the old state, alone.
    assert.deepEqual(decodePassword((await keychain.get('endpoint:pm'))!), { password: OLD, bindings: [{ origin: 'https://p6.other.example' }] }, 'neither the new nor the third password is left beside it');
  });

  it('a final keychain write that fails after config.json was saved gets one line saying what to do, and exit 0', async () => {
    const h = await newHome('final-write');
    assert.equal((await h.cli(['endpoint', 'add', 'p6', 'pm', '--url', 'https://p6.other.example', '--user', 'planner', '--database', 'PMDB', '--no-verify', '--password-stdin'], OLD)).code, 0);
    const real = await h.keychain();
    let sets = 0;
    // The real item; its second write (the final one) fails, as a keychain that locked meanwhile would.
    const keychain: Keychain = { get: (a) => real.get(a), delete: (a) => real.delete(a), set: async (a, v) => { if (++sets === 2) throw new Error('the keychain is locked; unlock it'); return real.set(a, v); } };
    const r = await runIn(h.home, ['endpoint', 'update', 'pm', '--url', 'https://p6-new.other.example', '--no-verify', '--password-stdin'], { keychain, stdin: NEW });
    assert.equal(r.code, 0, `the change is saved and works: ${r.stderr}`);
    assert.equal(r.stderr, "keybroker endpoint: warning: config.json is saved, but keychain item endpoint:pm still holds the replaced password beside the new one (the keychain is locked; unlock it); fix the keychain and run 'keybroker endpoint update pm --password-stdin' again (the next successful unlock also drops it)\n");
    assert.ok(!r.stderr.includes(NEW) && !r.stderr.includes(OLD), 'no password in the line');
    const item = decodePassword((await real.get('endpoint:pm'))!);
    assert.deepEqual({ password: item.password, was: item.was?.password }, { password: NEW, was: OLD }, 'the item the first write left, as the line says');
  });
});
