// Issue 14 item 5: a real Host configured with `audit.otlp` exports its audit trail to a
// local OTLP receiver, and no secret (upstream password, session token) is in what arrives.
// Fakes only for the keychain, the approver and the upstream login (as host-audit-redaction).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Host } from '../../../src/platform/host/host.js';
import { OtlpReceiver, otlpAttribute } from '../../support/otlp-receiver.js';
import { findSecrets } from '../../support/secret-scan.js';
import { until } from '../../support/wait.js';
import { grantVc1, startVc1Host } from './vc1-host.js';

const PASSWORD = 'pw-for-vc1-otlp';

describe('Host with audit.otlp', () => {
  it('exports its audit records to the collector, redacted, with no password or session token in any request', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-host-otlp-'));
    const receiver = await OtlpReceiver.start();
    let host: Host | undefined;
    try {
      host = await startVc1Host(home, PASSWORD, { config: { audit: { maxBytes: 1024 * 1024, keep: 5, otlp: { url: receiver.url, headers: { 'x-scope-orgid': 'kb-test' } } } } });
      const grant = await grantVc1(host);
      const token = grant.token;
      // An upstream error echoing the token: the writer redacts it, so the export does too.
      host.audit.append({ event: 'tool.failed', endpoint: 'vc1', reason: `upstream said: bad cookie ${token}` });

      await until('the tool.failed record at the collector', () => receiver.records.some((r) => otlpAttribute(r, 'event.name') === 'tool.failed'));
      const events = receiver.records.map((r) => otlpAttribute(r, 'event.name'));
      for (const e of ['host.started', 'unlock.approved', 'token.granted', 'tool.failed']) assert.ok(events.includes(e), `${e} in ${events.join()}`);
      await host.stop();
      host = undefined;
      // What was queued at stop still goes out.
      await until('host.stopped at the collector', () => receiver.records.some((r) => otlpAttribute(r, 'event.name') === 'host.stopped'));

      // Security: no secret in any request the collector received.
      assert.deepEqual(findSecrets([PASSWORD, token], { texts: { 'OTLP requests': receiver.bodies.join('\n') } }), []);
    } finally {
      await host?.stop();
      await receiver.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
