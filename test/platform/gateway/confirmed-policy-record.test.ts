// D281: the policy a person last confirmed, remembered across restarts: its text
// in a file of the home, its SHA-256 in the home's keychain (a real Secret Service here), so a
// writer of the home alone cannot make a start trust a policy nobody confirmed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { CONFIRMED_POLICY_ACCOUNT, ConfirmedPolicyRecord, rememberedConfig } from '../../../src/platform/gateway/confirmed-policy-record.js';
import { useHomeKeychain } from '../../support/home-keychain.js';

const config = (allow: string[], readOnly = false) => Config.parse({
  ...emptyConfig(),
  endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly, tls: { verify: true }, credential: 'endpoint:vc1' }],
  credentials: [{ id: 'endpoint:vc1' }],
  policy: { allow },
});

describe('ConfirmedPolicyRecord on a real Secret Service (D281)', () => {
  const hk = useHomeKeychain('kb-confirmed-policy-');
  let n = 0;
  /** A record in its own file of the home (the keychain item is the home's one: each test clears it first). */
  const fresh = async (errors: string[] = []) => {
    await hk.keychain.delete(CONFIRMED_POLICY_ACCOUNT);
    const file = path.join(hk.home, `policy-confirmed-${++n}.json`);
    return { file, record: new ConfirmedPolicyRecord(hk.keychain, file, (l) => void errors.push(l)) };
  };

  it('remembers nothing at first; a saved policy is read back by the next start, from a private file whose digest is in the keychain', async () => {
    const { file, record } = await fresh();
    assert.deepEqual(await record.load(), { kind: 'none' }, 'a first start has nothing to compare with');
    record.save(config(['vsphere/vsphere_power'], true));
    await record.saved();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the file is private');
    assert.match(String(await hk.keychain.get(CONFIRMED_POLICY_ACCOUNT)), /^[0-9a-f]{64}$/, 'the keychain holds the digest');
    const again = await new ConfirmedPolicyRecord(hk.keychain, file, () => undefined).load();
    assert.ok(again.kind === 'remembered', `read back: ${JSON.stringify(again)}`);
    assert.deepEqual([again.view.policy.allow, again.view.readOnly], [['vsphere/vsphere_power'], [['vc1', true]]]);
  });

  it('a file a writer of the home rewrote or removed is not trusted: the start compares with the strictest policy', async () => {
    const { file, record } = await fresh();
    record.save(config([]));
    await record.saved();
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('"allow": []', '"allow": ["vsphere/vsphere_power"]'));
    const rewritten = await new ConfirmedPolicyRecord(hk.keychain, file, () => undefined).load();
    assert.deepEqual(rewritten, { kind: 'unreadable', why: `${file} is not the one KeyBroker recorded (its digest in the keychain differs)` });
    fs.rmSync(file);
    const removed = await new ConfirmedPolicyRecord(hk.keychain, file, () => undefined).load();
    assert.deepEqual(removed, { kind: 'unreadable', why: `${file} could not be read (ENOENT)` });
    const strict = rememberedConfig(config(['vsphere/vsphere_power']), removed);
    assert.deepEqual([strict.policy.allow, strict.policy.rules, strict.endpoints], [[], [], []], 'no allow, no rule, no endpoint known read-write');
  });

  it('a keychain digest of a file that is no policy (a keychain writer) is unreadable, never a crash', async () => {
    const { file } = await fresh();
    fs.writeFileSync(file, 'not json');
    const crypto = await import('node:crypto');
    await hk.keychain.set(CONFIRMED_POLICY_ACCOUNT, crypto.createHash('sha256').update('not json').digest('hex'));
    assert.deepEqual(await new ConfirmedPolicyRecord(hk.keychain, file, () => undefined).load(), { kind: 'unreadable', why: `${file} is not JSON` });
    fs.writeFileSync(file, '{"version":2}');
    await hk.keychain.set(CONFIRMED_POLICY_ACCOUNT, crypto.createHash('sha256').update('{"version":2}').digest('hex'));
    assert.deepEqual(await new ConfirmedPolicyRecord(hk.keychain, file, () => undefined).load(), { kind: 'unreadable', why: `${file} does not hold a policy this KeyBroker reads` });
  });

  it('saving the same policy again writes nothing; a failed save is said once and written by the next save', async () => {
    const errors: string[] = [];
    const { file, record } = await fresh(errors);
    record.save(config([]));
    await record.saved();
    fs.rmSync(file);
    record.save(config([]));
    await record.saved();
    assert.equal(fs.existsSync(file), false, 'the same policy is not written again');
    const broken = new ConfirmedPolicyRecord({ get: async () => undefined, set: async () => { throw new Error('keychain locked'); } }, file, (l) => void errors.push(l));
    broken.save(config(['x']));
    await broken.saved();
    assert.deepEqual(errors, ['the confirmed policy could not be recorded (keychain locked); the next start compares config.json with the one recorded before']);
    broken.save(config(['x']));
    await broken.saved();
    assert.equal(errors.length, 2, 'a failed save is tried again by the next one');
  });

  it('a keychain that cannot be read makes the start unreadable (it asks), not a first start (it would trust)', async () => {
    const failing = (error: unknown) => new ConfirmedPolicyRecord({ get: async () => { throw error; }, set: async () => undefined }, path.join(hk.home, 'x.json'), () => undefined);
    assert.deepEqual(await failing(Object.assign(new Error('no bus'), { code: 'ENOBUS' })).load(), { kind: 'unreadable', why: 'the keychain could not be read (ENOBUS)' });
    assert.deepEqual(await failing(new Error('x'.repeat(300))).load(), { kind: 'unreadable', why: `the keychain could not be read (${'x'.repeat(200)})` }, 'the reason is cut at 200');
    assert.deepEqual(await failing(undefined).load(), { kind: 'unreadable', why: 'the keychain could not be read (undefined)' }, 'a rejection with no error');
  });

  it('keeps its digest under the account policy:confirmed (another name would make every upgraded start a first start)', () => {
    assert.equal(CONFIRMED_POLICY_ACCOUNT, 'policy:confirmed');
  });

  it('a save that failed does not make a later save of another policy write again', async () => {
    const sets: string[] = [];
    let fail = true;
    const errors: string[] = [];
    const record = new ConfirmedPolicyRecord({ get: async () => undefined, set: async (_a, digest) => { sets.push(digest); if (fail) { fail = false; throw new Error('locked'); } } }, path.join(hk.home, 'y.json'), (l) => void errors.push(l));
    record.save(config(['a']));
    record.save(config(['b']));
    await record.saved();
    assert.equal(errors.length, 1, 'the first failed');
    record.save(config(['b']));
    await record.saved();
    assert.equal(sets.length, 2, 'b, written once, is not written again');
  });

  it('the remembered config keeps only the endpoints the record names, with their recorded flags', () => {
    const start = Config.parse({ ...config(['a']), endpoints: [...config([]).endpoints, { ...config([]).endpoints[0]!, id: 'vc2', url: 'https://vc2.corp.example/sdk', credential: 'endpoint:vc1' }] });
    const base = rememberedConfig(start, { kind: 'remembered', view: { version: 1, policy: config([]).policy, readOnly: [['vc1', true], ['gone', false]] } });
    assert.deepEqual(base.endpoints.map((e) => [e.id, e.readOnly]), [['vc1', true]], 'vc2 is new: left out, so it counts as read-only');
    assert.deepEqual(base.policy.allow, [], 'the recorded policy');
    assert.equal(base.unlock, start.unlock, 'the rest is the start config');
  });
});
