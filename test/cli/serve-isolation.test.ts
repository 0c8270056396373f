// `keybroker serve` says how its children are contained: once in its log at start, and in
// `keybroker status` (text and --json). Never more than it has (issue 10).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { KEYBROKER_BIN, runKeybroker, waitFor } from '../support/keybroker-cli.js';

describe('keybroker serve: isolation', () => {
  let ss: SecretService;
  before(async () => {
    ss = await startSecretService();
  });
  after(async () => {
    await ss?.stop();
  });

  async function serveAndStatus(extra: NodeJS.ProcessEnv) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-iso-'));
    const env = { ...process.env, ...ss.env, KEYBROKER_HOME: home, ...extra };
    const proc = spawn(process.execPath, [KEYBROKER_BIN, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    try {
      await waitFor('serving line', () => (err.includes('serving from') ? true : undefined), 20_000);
      const json = JSON.parse((await runKeybroker(['status', '--json'], { env })).stdout) as HostStatus;
      const text = (await runKeybroker(['status'], { env })).stdout;
      return { json, text, log: err };
    } finally {
      proc.kill('SIGINT');
      await exited;
      fs.rmSync(home, { recursive: true, force: true });
    }
  }

  it(`KEYBROKER_SANDBOX=off: 'isolation: none', logged once and shown by status`, async () => {
    const r = await serveAndStatus({ KEYBROKER_SANDBOX: 'off' });
    assert.equal(r.json.host.isolation, 'none');
    // The host's version rides along (issue 17 X2): package.json's, as the build inlined it.
    assert.equal(r.json.host.version, (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version);
    assert.match(r.text, /^KeyBroker is running \(pid \d+, since \d\d:\d\d, version \d+\.\d+\.\d+[^)]*\); home /m);
    assert.match(r.text, /^isolation: none \(server children run as your user and could read your keychain; see SECURITY\.md\)$/m);
    assert.equal(r.log.match(/isolation: /g)?.length, 1, r.log);
    assert.match(r.log, /\] isolation: none \(switched off by KEYBROKER_SANDBOX=off\)/);
  });

  it("where bubblewrap works (Linux CI): 'isolation: bubblewrap'", { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
    const r = await serveAndStatus({});
    assert.equal(r.json.host.isolation, 'bubblewrap', r.log);
    assert.match(r.text, /^isolation: bubblewrap$/m);
    assert.equal(r.log.match(/isolation: /g)?.length, 1, r.log);
  });
});
