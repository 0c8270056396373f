// Signed audit checkpoints, the edges (issue 14 item 4; the `audit` mutation area): the exact
// bytes a checkpoint signs (so another version's verify agrees), the key's id and kind, the
// key made once and kept in the keychain, and the schedule: one checkpoint per burst, none
// at a stop right after one, the timer, and a failed write reported, not thrown.
import { after, afterEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENESIS } from '../../../src/platform/audit/audit-chain.js';
import { AuditCheckpoints } from '../../../src/platform/audit/audit-checkpoints.js';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { CHECKPOINT_KEY_ACCOUNT, checkpointKeyFrom, checkpointMessage, loadOrCreateCheckpointKey, readCheckpointKey } from '../../../src/platform/audit/checkpoint-key.js';
import { verifyAuditChain } from '../../../src/platform/audit/verify-audit.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-cp-details-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const newLog = () => new AuditLog({ home: path.join(root, `home-${n++}`), settings: { maxBytes: 1024 * 1024, keep: 3 }, secrets: () => [] });
const events = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { event: string }).event);
const turn = () => new Promise((r) => setImmediate(r));
const pkcs8 = (key: crypto.KeyObject) => key.export({ format: 'der', type: 'pkcs8' }).toString('base64');
/** A fixed Ed25519 key: PKCS#8 DER of the seed 0x01 × 32. */
const FIXED = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 1)]).toString('base64');
const PREV = 'ab'.repeat(32);
const TS = '2026-12-07T00:00:00.000Z';

describe('the checkpoint key (issue 14)', () => {
  it('signs exactly the documented v1 message: the domain line, the chain head and the ts, newline-separated', () => {
    assert.deepEqual(checkpointMessage(PREV, TS), Buffer.from(`keybroker audit checkpoint v1\n${PREV}\n${TS}`, 'utf8'));
    const key = checkpointKeyFrom(FIXED);
    const sig = key.sign(PREV, TS);
    const publicKey = crypto.createPublicKey(crypto.createPrivateKey({ key: Buffer.from(FIXED, 'base64'), format: 'der', type: 'pkcs8' }));
    assert.equal(crypto.verify(null, Buffer.from(`keybroker audit checkpoint v1\n${PREV}\n${TS}`), publicKey, Buffer.from(sig, 'base64')), true, 'the signature is over those bytes');
    assert.equal(key.verify(PREV, TS, sig), true);
    // Ed25519 signatures are deterministic: the same head and ts give the same base64 text.
    assert.equal(key.sign(PREV, TS), sig);
    assert.equal(Buffer.from(sig, 'base64').length, 64);
  });

  it('refuses a signature over another head, another ts, or made by another key, and answers false (not a throw) for junk', () => {
    const key = checkpointKeyFrom(FIXED);
    const sig = key.sign(PREV, TS);
    assert.equal(key.verify('cd'.repeat(32), TS, sig), false);
    assert.equal(key.verify(PREV, '2026-12-07T00:00:00.001Z', sig), false);
    const other = checkpointKeyFrom(pkcs8(crypto.generateKeyPairSync('ed25519').privateKey));
    assert.equal(key.verify(PREV, TS, other.sign(PREV, TS)), false);
    for (const junk of ['', 'not base64 !!', 'A'.repeat(200), sig.slice(0, -4)]) assert.equal(key.verify(PREV, TS, junk), false, JSON.stringify(junk));
  });

  it('names itself by the first 16 hex of the SHA-256 of its public key (SPKI DER)', () => {
    const privateKey = crypto.createPrivateKey({ key: Buffer.from(FIXED, 'base64'), format: 'der', type: 'pkcs8' });
    const spki = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    const key = checkpointKeyFrom(FIXED);
    assert.equal(key.keyId, crypto.createHash('sha256').update(spki).digest('hex').slice(0, 16));
    assert.match(key.keyId, /^[0-9a-f]{16}$/);
  });

  it('refuses a keychain item that is not an Ed25519 key, naming the item and what to do', () => {
    const ec = pkcs8(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    assert.throws(() => checkpointKeyFrom(ec), { message: `the keychain item ${CHECKPOINT_KEY_ACCOUNT} is not an Ed25519 key; delete it and restart KeyBroker to make a new one` });
    assert.equal(CHECKPOINT_KEY_ACCOUNT, 'audit:checkpoint-key');
  });

  it('is made once, stored in the keychain (and nowhere else), then read back the same; verify never makes one', async () => {
    const keychain = new MemoryKeychain();
    assert.equal(await readCheckpointKey(keychain), undefined, 'no key yet: verify finds none');
    assert.deepEqual(keychain.calls, [`get:${CHECKPOINT_KEY_ACCOUNT}`]);
    const made = await loadOrCreateCheckpointKey(keychain);
    assert.deepEqual([...keychain.items.keys()], [CHECKPOINT_KEY_ACCOUNT]);
    const again = await loadOrCreateCheckpointKey(keychain);
    const read = await readCheckpointKey(keychain);
    assert.equal(again.keyId, made.keyId);
    assert.equal(read?.keyId, made.keyId);
    assert.equal(read.verify(PREV, TS, made.sign(PREV, TS)), true);
    assert.deepEqual(keychain.calls, [`get:${CHECKPOINT_KEY_ACCOUNT}`, `get:${CHECKPOINT_KEY_ACCOUNT}`, `set:${CHECKPOINT_KEY_ACCOUNT}`, `get:${CHECKPOINT_KEY_ACCOUNT}`, `get:${CHECKPOINT_KEY_ACCOUNT}`]);
  });
});

describe('AuditCheckpoints: the schedule', () => {
  afterEach(() => mock.timers.reset());

  it('writes one checkpoint for a burst that passes the count in one turn, not one per record', async () => {
    const log = newLog();
    const cp = new AuditCheckpoints(log, checkpointKeyFrom(FIXED), { everyRecords: 2, everyMinutes: 60 });
    for (let i = 0; i < 6; i++) log.append({ event: 'tool.called', pid: i + 1 });
    assert.deepEqual(events(log.file).filter((e) => e === 'audit.checkpoint'), [], 'never inside the append');
    await turn();
    await turn();
    assert.deepEqual(events(log.file), [...Array<string>(6).fill('tool.called'), 'audit.checkpoint']);
    cp.dispose();
    log.dispose();
  });

  it('a checkpoint written before the scheduled one (a stop, the timer) stands for it: no second one', async () => {
    const log = newLog();
    const cp = new AuditCheckpoints(log, checkpointKeyFrom(FIXED), { everyRecords: 2, everyMinutes: 60 });
    log.append({ event: 'tool.called' });
    log.append({ event: 'tool.called' });
    cp.checkpoint();
    await turn();
    await turn();
    assert.deepEqual(events(log.file), ['tool.called', 'tool.called', 'audit.checkpoint']);
    cp.dispose();
    log.dispose();
  });

  it('writes no checkpoint at a stop right after one, and one at a stop after a record', async () => {
    const log = newLog();
    const key = checkpointKeyFrom(FIXED);
    const cp = new AuditCheckpoints(log, key, { everyRecords: 2, everyMinutes: 60 });
    log.append({ event: 'tool.called' });
    log.append({ event: 'tool.called' });
    await turn();
    cp.dispose();
    cp.dispose();
    assert.deepEqual(events(log.file), ['tool.called', 'tool.called', 'audit.checkpoint']);
    const second = new AuditCheckpoints(log, key, { everyRecords: 2, everyMinutes: 60 });
    log.append({ event: 'lock' });
    second.dispose();
    assert.deepEqual(events(log.file).slice(3), ['lock', 'audit.checkpoint']);
    log.dispose();
    const r = verifyAuditChain(log.file, { checkpointKey: key });
    assert.ok(r.ok && r.checkpoints.count === 2, JSON.stringify(r));
  });

  it('every `everyMinutes`, writes a checkpoint only when records came since the last one', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    const log = newLog();
    const cp = new AuditCheckpoints(log, checkpointKeyFrom(FIXED), { everyRecords: 1000, everyMinutes: 2 });
    log.append({ event: 'tool.called' });
    mock.timers.tick(2 * 60_000 - 1);
    assert.deepEqual(events(log.file), ['tool.called'], 'not before the interval');
    mock.timers.tick(1);
    assert.deepEqual(events(log.file), ['tool.called', 'audit.checkpoint']);
    mock.timers.tick(2 * 60_000);
    assert.deepEqual(events(log.file), ['tool.called', 'audit.checkpoint'], 'nothing new, no checkpoint');
    log.append({ event: 'lock' });
    mock.timers.tick(2 * 60_000);
    assert.deepEqual(events(log.file), ['tool.called', 'audit.checkpoint', 'lock', 'audit.checkpoint']);
    cp.dispose();
    log.append({ event: 'lock' });
    mock.timers.tick(10 * 60_000);
    assert.deepEqual(events(log.file).slice(4), ['lock'], 'a disposed schedule writes nothing more');
    log.dispose();
  });

  it('reports a checkpoint that could not be written to onError, keeps counting, and writes nothing after dispose', () => {
    const log = newLog();
    const errors: unknown[] = [];
    const cp = new AuditCheckpoints(log, checkpointKeyFrom(FIXED), { everyRecords: 1000, everyMinutes: 60 }, (e) => errors.push(e));
    log.append({ event: 'tool.called' });
    log.dispose();
    cp.checkpoint();
    assert.equal(errors.length, 1);
    assert.match(String((errors[0] as Error).message), /after dispose/);
    // Still owed (the record since the last checkpoint was not covered): the stop tries again.
    cp.dispose();
    assert.equal(errors.length, 2);
    cp.checkpoint();
    assert.equal(errors.length, 2, 'a disposed schedule does not try');
    assert.deepEqual(events(log.file), ['tool.called']);
    // The first line chains from GENESIS: nothing half-written.
    assert.equal((JSON.parse(fs.readFileSync(log.file, 'utf8').split('\n')[0]!) as { prev: string }).prev, GENESIS);
  });
});
