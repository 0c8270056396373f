// `keybroker serve` when its audit log cannot be written any more (D175): a real serve whose
// audit.log is replaced by a link while it runs. It says why in one line, logs out, stops, and
// exits 1, where the failed deferred write used to end it from a timer without a word.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gatewaySocketPath } from '../../src/platform/gateway/gateway-socket-path.js';
import { waitFor } from '../support/keybroker-cli.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { startServe } from '../support/serve-process.js';

/** One line the gateway refuses (and audits) on a fresh connection; resolves once the host closed it. */
function refusedLine(socketPath: string): Promise<void> {
  return new Promise((resolve) => {
    const s = net.createConnection(socketPath, () => s.write('not a hello\n'));
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.resume();
  });
}

describe('keybroker serve: an audit log that cannot be written (D175)', () => {
  let ss: SecretService;
  let root: string;
  before(async () => {
    ss = await startSecretService();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-serve-audit-'));
  });
  after(async () => {
    await ss?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('says why in one line, stops cleanly and exits 1', async () => {
    const home = path.join(root, 'home');
    const serve = await startServe({ ...process.env, ...ss.env, KEYBROKER_HOME: home });
    try {
      const log = path.join(home, 'audit.log');
      const elsewhere = path.join(root, 'elsewhere.log');
      fs.writeFileSync(elsewhere, '');
      // serve's first records are written a moment after it answers (deferred appends): the
      // file may not be there yet on a loaded machine.
      await waitFor('serve to write audit.log', () => (fs.existsSync(log) ? true : undefined));
      fs.renameSync(log, path.join(root, 'moved.log'));
      fs.symlinkSync(elsewhere, log);
      // The log notices a replaced file at its next append once a second: refused lines are
      // audited, so send them until serve has ended (a condition, not a sleep).
      const code = await waitFor('serve to stop on the audit failure', async () => {
        if (serve.proc.exitCode !== null) return serve.proc.exitCode;
        await refusedLine(gatewaySocketPath(home));
        return undefined;
      });
      assert.equal(code, 1, serve.stderr());
      const said = serve.stderr().split('\n').filter((l) => l.includes('could not be written'));
      assert.equal(said.length, 1, serve.stderr());
      assert.match(said[0]!, /audit\.log could not be written \(\w+\); KeyBroker stops rather than run unaudited: free disk space or repair the file, then start it again/);
      assert.equal(fs.readFileSync(elsewhere, 'utf8'), '', 'nothing written through the link');
      assert.ok(!fs.existsSync(path.join(home, 'host.lock')), 'the lock is released: a clean stop');
    } finally {
      await serve.stop();
    }
  });
});
