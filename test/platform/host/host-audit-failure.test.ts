// A write of the audit that fails after its append returned (D175): found by W2-auditlog,
// where it was thrown from the deferred flush's timer and ended `keybroker serve` without
// logging out upstream. The host now says why, once, and stops cleanly.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { P6UpstreamLogin } from '../../../src/platform/broker/logins/p6-upstream-login.js';
import { VsphereUpstreamLogin } from '../../../src/platform/broker/logins/vsphere-upstream-login.js';
import { Host } from '../../../src/platform/host/host.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';
import { readAudit } from '../../support/audit-file.js';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

async function startHost(home: string, lines: string[]): Promise<{ host: Host; pending: PendingApprovals }> {
  const pending = new PendingApprovals();
  const host = await Host.start({
    home, keychain: new MemoryKeychain(), approver: pending, pending,
    logins: { vsphere: new VsphereUpstreamLogin(), p6: new P6UpstreamLogin() },
    log: (line) => void lines.push(line),
  });
  return { host, pending };
}

describe('Host: an audit write that fails after its append returned (D175)', () => {
  it('says why in one line, stops cleanly (its lock released), and does not end the process', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-audit-fail-'));
    homes.push(root);
    const home = path.join(root, 'home');
    const lines: string[] = [];
    const { host, pending } = await startHost(home, lines);
    const failures: Error[] = [];
    host.onDidFailAudit((e) => void failures.push(e));
    const stopped = new Promise<void>((resolve) => host.onDidFailAudit(() => resolve()));
    host.audit.flush(); // host.started, deferred like every host record, is on disk now.
    // The log replaced by a link while the host runs: the next open refuses to follow it.
    const elsewhere = path.join(root, 'elsewhere.log');
    fs.writeFileSync(elsewhere, '');
    fs.renameSync(host.audit.file, path.join(root, 'moved.log'));
    fs.symlinkSync(elsewhere, host.audit.file);
    host.audit.recheckFile();
    // Deferred, as every host record: append returns, the write fails on the next turn.
    host.audit.append({ event: 'lock' });
    await stopped;
    await host.stop();
    pending.dispose();
    assert.equal(failures.length, 1, 'said once, though the stop\'s own last line fails too');
    const said = lines.filter((l) => l.includes('could not be written'));
    assert.equal(said.length, 1, lines.join('\n'));
    assert.match(said[0]!, /audit\.log could not be written \(\w+\); KeyBroker stops rather than run unaudited: free disk space or repair the file, then start it again$/);
    assert.equal(fs.readFileSync(elsewhere, 'utf8'), '', 'nothing written through the link');
    // A clean stop: the per-home lock is free, so once the log is repaired a host starts again.
    fs.rmSync(host.audit.file);
    fs.renameSync(path.join(root, 'moved.log'), host.audit.file);
    const again = await startHost(home, []);
    await again.host.stop();
    again.pending.dispose();
    assert.ok(readAudit(home).some((r) => r.event === 'host.started'), 'the second host audited its start');
  });
});
