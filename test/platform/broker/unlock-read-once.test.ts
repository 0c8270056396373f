// An unlock reads the keychain item and the endpoint's CA file once, before its prompt: the
// check that decides what the prompt says (a password with no recorded servers yet, D222) and
// the login then see the same bytes (D218). The race is made deterministic by a hook: the
// prompt is the window, and the test changes the item or the CA file while it is up (malware
// running as the user). Real parts: the private Secret Service holds the item; the approver,
// the clock and the upstream login are the test's (no server runs here).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config } from '../../../src/base/contracts/config.js';
import type { Endpoint } from '../../../src/base/contracts/endpoint.js';
import type { CaText } from '../../../src/platform/config/read-ca-file.js';
import { Broker } from '../../../src/platform/broker/broker.js';
import { Sessions } from '../../../src/platform/broker/sessions.js';
import { TokenDenied } from '../../../src/platform/broker/token-denied.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { UpstreamLoginError, type UpstreamLogin } from '../../../src/platform/broker/upstream-login.js';
import type { Keychain } from '../../../src/platform/keychain/keychain.js';
import { openHomeKeychain } from '../../../src/platform/keychain/open-home-keychain.js';
import { boundItem, decodePassword, encodePassword } from '../../../src/platform/keychain/password-envelope.js';
import { startSecretService, type SecretService } from '../../support/secret-service.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { ask, askAnswered, recordingLink, ScriptedApprover, testConfig, PASSWORD } from './broker-harness.js';

const CRED = 'endpoint:pm';
const CA_A = '-----BEGIN CERTIFICATE-----\nthe CA the person had when asked\n-----END CERTIFICATE-----\n';
const CA_B = '-----BEGIN CERTIFICATE-----\nthe CA swapped in during the prompt\n-----END CERTIFICATE-----\n';
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** The upstream part (no P6 server runs here): records the password and the CA each login was handed. */
class RecordingLogin implements UpstreamLogin {
  readonly seen: { password: string; ca: string | undefined }[] = [];
  async login(endpoint: Endpoint, password: string, caFile?: CaText) {
    this.seen.push({ password: password === PASSWORD ? 'PASSWORD' : 'OTHER', ca: caFile?.ok ? caFile.text : caFile?.why });
    if (password !== PASSWORD) throw new UpstreamLoginError('login_failed', `${endpoint.id} rejected the username or password`);
    return { token: `tok-${this.seen.length}` };
  }
  async logout(): Promise<void> {}
}

/** The `unbound` flag of the last unlock prompt shown. */
function unboundOf(approver: ScriptedApprover): boolean | undefined | 'not an unlock' {
  const subject = approver.prompts.at(-1)?.subject;
  return subject?.kind === 'unlock' ? subject.unbound : 'not an unlock';
}

describe('an unlock reads the keychain item and the CA file once: its prompt and its login see the same bytes', () => {
  let ss: SecretService;
  let dir: string;
  let keychain: Keychain;

  before(async () => {
    ss = await startSecretService();
    ss.apply();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-read-once-'));
    ({ keychain } = await openHomeKeychain(dir));
  });

  after(async () => {
    await ss?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A broker whose pm endpoint trusts a CA file holding CA_A, and whose keychain reads of pm are counted. */
  function world() {
    const caFile = path.join(dir, `ca-${crypto.randomUUID()}.pem`);
    fs.writeFileSync(caFile, CA_A);
    const base = testConfig();
    const config = Config.parse({ ...base, endpoints: base.endpoints.map((e) => (e.id === 'pm' ? { ...e, tls: { verify: true, caFile } } : e)) });
    const reads: string[] = [];
    const counted: Keychain = {
      get: (a) => { reads.push(a); return keychain.get(a); },
      set: (a, s) => keychain.set(a, s),
      delete: (a) => keychain.delete(a),
    };
    const p6 = new RecordingLogin();
    const approver = new ScriptedApprover();
    const broker = new Broker({ config: () => config, keychain: counted, logins: { vsphere: p6, p6 }, approver, clock: new ManualClock(), audit: { append: () => undefined } });
    const pmReads = () => reads.filter((a) => a === CRED).length;
    return { broker, approver, p6, caFile, config, pmReads };
  }

  it('reads a bound item once for the prompt and the login (was: once more before the prompt)', async (t) => {
    const w = world();
    t.after(() => w.broker.dispose());
    await keychain.set(CRED, boundItem(PASSWORD, w.config, CRED));
    const r = await askAnswered(w.broker, w.approver, recordingLink('p6'), 'pm', 'a', 'allow-once');
    assert.equal(r.t, 'token.grant', JSON.stringify(r));
    assert.equal(w.pmReads(), 1, 'one keychain read for the check and the login');
    assert.deepEqual(w.p6.seen, [{ password: 'PASSWORD', ca: CA_A }], 'the login trusted the CA file it was bound with');
  });

  it('reads a legacy item once, and once more only to bind it over the same item', async (t) => {
    const w = world();
    t.after(() => w.broker.dispose());
    await keychain.set(CRED, PASSWORD);
    const r = await askAnswered(w.broker, w.approver, recordingLink('p6'), 'pm', 'a', 'allow-once');
    assert.equal(r.t, 'token.grant', JSON.stringify(r));
    assert.equal(unboundOf(w.approver), true, 'the prompt said it binds the password');
    assert.equal(w.pmReads(), 2, 'the check and the login share one read; the bind compares with the item now (a password typed meanwhile is never overwritten)');
  });

  it('a CA file swapped while the binding prompt is up: the login trusts, and the password is bound to, the CA of when the person was asked', async (t) => {
    const w = world();
    t.after(() => w.broker.dispose());
    await keychain.set(CRED, PASSWORD);
    const shown = w.approver.nextPrompt();
    const reply = ask(w.broker, recordingLink('p6'), 'pm', 'a');
    await shown;
    // The hook: malware running as the user rewrites the CA file while the person reads the prompt.
    fs.writeFileSync(w.caFile, CA_B);
    w.approver.answer('allow-once');
    const r = await reply;
    assert.equal(r.t, 'token.grant', JSON.stringify(r));
    assert.deepEqual(w.p6.seen, [{ password: 'PASSWORD', ca: CA_A }], 'the login trusted the CA read before the prompt, not the swapped one');
    assert.deepEqual(decodePassword((await keychain.get(CRED))!), { password: PASSWORD, bindings: [{ origin: 'https://p6.other.example', ca: sha256(CA_A) }] }, 'bound to that CA alone: never to the swapped one, which proved nothing');
  });

  it('an item rewritten bare while a plain prompt is up: the login sends the bound password the prompt was raised for', async (t) => {
    const w = world();
    t.after(() => w.broker.dispose());
    const bound = boundItem(PASSWORD, w.config, CRED);
    await keychain.set(CRED, bound);
    const shown = w.approver.nextPrompt();
    const reply = ask(w.broker, recordingLink('p6'), 'pm', 'a');
    await shown;
    assert.equal(unboundOf(w.approver), undefined, 'a plain unlock prompt');
    await keychain.set(CRED, PASSWORD);
    w.approver.answer('allow-once');
    const r = await reply;
    assert.equal(r.t, 'token.grant', `the login used the item the check read: ${JSON.stringify(r)}`);
    assert.deepEqual(w.p6.seen, [{ password: 'PASSWORD', ca: CA_A }], 'one login, under the bound item\'s trust');
    assert.equal(await keychain.get(CRED), PASSWORD, 'the item written meanwhile is left as it is (no binding without its prompt)');
  });

  it('an unlock with no item in the keychain: the read finds nothing, the login reads again and says what to do', async (t) => {
    const w = world();
    t.after(() => w.broker.dispose());
    await keychain.delete(CRED);
    const r = await askAnswered(w.broker, w.approver, recordingLink('p6'), 'pm', 'a', 'allow-once');
    assert.deepEqual(r.t === 'token.deny' && [r.code, r.message], ['invalid', "no password in the keychain for endpoint:pm; set it with 'keybroker endpoint update pm --password-stdin'"], JSON.stringify(r));
    assert.equal(w.pmReads(), 2, 'nothing to share: the login reads for itself');
    assert.deepEqual(w.p6.seen, [], 'nothing sent');
  });

  /** A login through Sessions alone (no prompt, no read handed in): what it threw, what it audited, what the upstream saw. */
  async function loginAlone(endpoint: Endpoint, item: string) {
    await keychain.set(endpoint.credential, item);
    const p6 = new RecordingLogin();
    const audit: AuditInput[] = [];
    const sessions = new Sessions({ logins: { vsphere: p6, p6 }, keychain, clock: new ManualClock(), audit: { append: (r) => void audit.push(r) } });
    try {
      const error = await sessions.login(endpoint, 'once', Date.UTC(2027, 0, 1)).then(() => undefined, (e: unknown) => e);
      return { error, audit, seen: p6.seen };
    } finally {
      sessions.dispose();
    }
  }

  const pm = testConfig().endpoints.find((e) => e.id === 'pm')!;

  it('a login with no read handed in reads for itself; an endpoint without a CA file reads none and hands the login none', async () => {
    const { error, seen } = await loginAlone(pm, boundItem(PASSWORD, testConfig(), CRED));
    assert.equal(error, undefined, `logged in: ${String(error)}`);
    assert.deepEqual(seen, [{ password: 'PASSWORD', ca: undefined }], 'no CA file, no CA');
  });

  it('refuses an unbound item no prompt asked to bind: locked, one password_not_bound record, nothing sent', async () => {
    const { error, audit, seen } = await loginAlone(pm, PASSWORD);
    const message = 'the stored password of pm has no recorded servers yet; ask again: the prompt will name the servers it is then bound to';
    assert.ok(error instanceof TokenDenied && error.code === 'locked' && error.message === message, `refused: ${String(error)}`);
    assert.deepEqual(audit, [{ event: 'session.failed', endpoint: 'pm', credential: CRED, outcome: 'denied', code: 'password_not_bound', reason: message, durationMs: 0 }]);
    assert.deepEqual(seen, [], 'nothing sent');
  });

  it('refuses a password bound to another server: not_allowed, the same one record, nothing sent', async () => {
    const { error, audit, seen } = await loginAlone(pm, encodePassword(PASSWORD, [{ origin: 'https://elsewhere.example' }]));
    const message = "pm now points at https://p6.other.example; its password was stored for https://elsewhere.example: type it again in Settings or 'keybroker endpoint update pm --password-stdin'";
    assert.ok(error instanceof TokenDenied && error.code === 'not_allowed' && error.message === message, `refused: ${String(error)}`);
    assert.deepEqual(audit, [{ event: 'session.failed', endpoint: 'pm', credential: CRED, outcome: 'denied', code: 'password_not_bound', reason: message, durationMs: 0 }]);
    assert.deepEqual(seen, [], 'nothing sent');
  });
});
