// Security rule (issue 12): the host's audit redactor knows the live session tokens, so a
// token that reaches an audit field (an upstream error echoing a cookie, say) is redacted.
// A real Host on a temp home; fakes only for the keychain, the approver and the upstream.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Host } from '../../../src/platform/host/host.js';
import { REDACTED } from '../../../src/platform/audit/redact-record.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { grantVc1, startVc1Host } from './vc1-host.js';

const PASSWORD = 'pw-for-vc1';

/** An upstream error echoing `token` goes to the audit: the line on disk has it redacted. */
function assertRedactedInAudit(host: Host, home: string, token: string): void {
  host.audit.append({ event: 'tool.failed', endpoint: 'vc1', reason: `upstream said: bad cookie ${token}` });
  host.audit.flush();
  const text = fs.readFileSync(path.join(home, 'audit.log'), 'utf8');
  assert.ok(!text.includes(token), 'the token never reaches the audit log');
  const line = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['event'] === 'tool.failed');
  assert.equal(line?.['reason'], REDACTED);
}

describe('Host audit redaction', () => {
  it('redacts a live session token wherever it appears in an audit record', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-host-redact-'));
    let host: Host | undefined;
    try {
      host = await startVc1Host(home, PASSWORD);
      const grant = await grantVc1(host);
      const token = grant.token;

      assertRedactedInAudit(host, home, token);
    } finally {
      await host?.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('redacts the vAPI REST session id handed beside a vSphere token (issue 16)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-host-redact-api-'));
    let host: Host | undefined;
    try {
      const login = new FakeUpstreamLogin(PASSWORD);
      login.withRestToken = true;
      host = await startVc1Host(home, PASSWORD, { login });
      const grant = await grantVc1(host);
      const token = grant.restToken;
      assert.ok(token, 'the grant carries the vAPI session id');

      assertRedactedInAudit(host, home, token);
    } finally {
      await host?.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
