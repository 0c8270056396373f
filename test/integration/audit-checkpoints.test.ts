// Signed audit checkpoints end to end (issue 14 item 4): a real `keybroker serve` with
// `audit.checkpoints` makes an Ed25519 key in the real Secret Service (the home's namespace),
// signs the chain head every N records and at stop; `keybroker audit verify` checks the
// signatures with the key from the keychain and names the checkpoint where a chain
// rewritten without the key stops. The private key is in no file of the home.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chainedAuditLine, GENESIS, hashAuditLine } from '../../src/platform/audit/audit-chain.js';
import { runKeybroker, waitFor } from '../support/keybroker-cli.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { startServe } from '../support/serve-process.js';

/** Every Ed25519 PKCS#8 DER key starts with these bytes, base64: `MC4CAQAwBQYDK2VwBCIEI…`. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

describe('signed audit checkpoints with the key in the keychain (issue 14)', () => {
  let ss: SecretService;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[]) => runKeybroker(args, { env, timeoutMs: 120_000 });

  before(async () => {
    ss = await startSecretService();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-cp-'));
    env = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ version: 1, audit: { checkpoints: { everyRecords: 2, everyMinutes: 60 } } }), { mode: 0o600 });
    const serve = await startServe(env);
    // Records to sign beyond host.started: children start on demand (D77), so a first use
    // starts one (child.started), as the host's start did when children were always on.
    const listed = await cli(['tools', 'vsphere']);
    assert.equal(listed.code, 0, listed.stderr);
    const audit = path.join(home, 'audit.log');
    await waitFor('a checkpoint in the audit', () => (fs.existsSync(audit) && fs.readFileSync(audit, 'utf8').includes('"audit.checkpoint"') ? true : undefined), 60_000);
    assert.equal(await serve.stop(), 0, serve.stderr());
  });
  after(async () => {
    await ss?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('verify checks every signature with the keychain key; the key is in no file of the home', async () => {
    const r = await cli(['audit', 'verify']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^audit chain ok: .*; \d+ signed checkpoint\(s\) verified, the last at \S+\n$/);
    const lines = fs.readFileSync(path.join(home, 'audit.log'), 'utf8').split('\n').filter(Boolean);
    assert.equal(JSON.parse(lines.at(-1)!).event, 'audit.checkpoint', 'the stop is covered by a last checkpoint');
    const prefix64 = ED25519_PKCS8_PREFIX.toString('base64').slice(0, 20);
    for (const f of fs.readdirSync(home, { recursive: true }) as string[]) {
      const p = path.join(home, f);
      if (!fs.statSync(p).isFile()) continue;
      const bytes = fs.readFileSync(p);
      assert.ok(!bytes.includes(ED25519_PKCS8_PREFIX) && !bytes.includes(prefix64), `${f} holds no private key`);
    }
  });

  it('a chain rewritten without the key fails at the first checkpoint after the edit, named by line (Security)', async () => {
    const file = path.join(home, 'audit.log');
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    // Rewrite the first record (host.started) and re-chain everything after it: the hash chain holds.
    const out: string[] = [];
    let prev = GENESIS;
    for (const [i, line] of lines.entries()) {
      const record = JSON.parse(line) as Record<string, unknown>;
      delete record['prev'];
      if (i === 0) record['reason'] = 'isolation: rewritten';
      out.push(chainedAuditLine(JSON.stringify(record), prev));
      prev = hashAuditLine(out.at(-1)!);
    }
    fs.writeFileSync(file, `${out.join('\n')}\n`);
    const firstCheckpoint = out.findIndex((l) => l.includes('"audit.checkpoint"')) + 1;
    const r = await cli(['audit', 'verify']);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `keybroker audit verify: audit chain broken at ${file} line ${firstCheckpoint}: a checkpoint whose signature does not verify: the records before it were rewritten, or the checkpoint was forged; keep the files as they are for investigation\n`);
  });
});
