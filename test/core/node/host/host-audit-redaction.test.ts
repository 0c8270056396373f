// Security rule (issue 12): the host's audit redactor knows the live session tokens, so a
// token that reaches an audit field (an upstream error echoing a cookie, say) is redacted.
// A real Host on a temp home; fakes only for the keychain, the approver and the upstream.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config, emptyConfig } from '../../../../src/core/common/contracts/config.js';
import { ConfigStore } from '../../../../src/core/node/config/config-store.js';
import { Host } from '../../../../src/core/node/host/host.js';
import { REDACTED } from '../../../../src/core/node/audit/redact-record.js';
import { FakeUpstreamLogin } from '../../../mocks/fake-upstream-login.js';
import { MemoryKeychain } from '../../../mocks/memory-keychain.js';
import { recordingLink } from '../broker/broker-harness.js';

const PASSWORD = 'pw-for-vc1';

describe('Host audit redaction', () => {
  it('redacts a live session token wherever it appears in an audit record', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-host-redact-'));
    let host: Host | undefined;
    try {
      new ConfigStore(home).save(Config.parse({
        ...emptyConfig(),
        endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
        credentials: [{ id: 'endpoint:vc1' }],
      }));
      const keychain = new MemoryKeychain();
      keychain.items.set('endpoint:vc1', PASSWORD);
      const login = new FakeUpstreamLogin(PASSWORD);
      host = await Host.start({ home, keychain, logins: { vsphere: login, p6: new FakeUpstreamLogin(PASSWORD) }, approver: { request: async () => 'allow-ttl' } });
      const link = recordingLink('vsphere');
      host.broker.attachChild(link).accept({ ch: 'broker', t: 'token.request', id: 'r1', endpoint: 'vc1' });
      for (;;) {
        if (link.frames.some((f) => f.t !== 'token.revoke' && f.id === 'r1')) break;
        await new Promise((r) => setImmediate(r));
      }
      const grant = link.frames.find((f) => f.t === 'token.grant');
      assert.ok(grant?.t === 'token.grant', JSON.stringify(link.frames));
      const token = grant.token;

      host.audit.append({ event: 'tool.failed', endpoint: 'vc1', reason: `upstream said: bad cookie ${token}` });
      host.audit.flush();
      const text = fs.readFileSync(path.join(home, 'audit.log'), 'utf8');
      assert.ok(!text.includes(token), 'the token never reaches the audit log');
      const line = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['event'] === 'tool.failed');
      assert.equal(line?.['reason'], REDACTED);
    } finally {
      await host?.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('redacts the vAPI REST session id handed beside a vSphere token (issue 16)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-host-redact-api-'));
    let host: Host | undefined;
    try {
      new ConfigStore(home).save(Config.parse({
        ...emptyConfig(),
        endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
        credentials: [{ id: 'endpoint:vc1' }],
      }));
      const keychain = new MemoryKeychain();
      keychain.items.set('endpoint:vc1', PASSWORD);
      const login = new FakeUpstreamLogin(PASSWORD);
      login.withRestToken = true;
      host = await Host.start({ home, keychain, logins: { vsphere: login, p6: new FakeUpstreamLogin(PASSWORD) }, approver: { request: async () => 'allow-ttl' } });
      const link = recordingLink('vsphere');
      host.broker.attachChild(link).accept({ ch: 'broker', t: 'token.request', id: 'r1', endpoint: 'vc1' });
      for (;;) {
        if (link.frames.some((f) => f.t !== 'token.revoke' && f.id === 'r1')) break;
        await new Promise((r) => setImmediate(r));
      }
      const grant = link.frames.find((f) => f.t === 'token.grant');
      assert.ok(grant?.t === 'token.grant', JSON.stringify(link.frames));
      const token = grant.restToken;
      assert.ok(token, 'the grant carries the vAPI session id');

      host.audit.append({ event: 'tool.failed', endpoint: 'vc1', reason: `upstream said: bad cookie ${token}` });
      host.audit.flush();
      const text = fs.readFileSync(path.join(home, 'audit.log'), 'utf8');
      assert.ok(!text.includes(token), 'the token never reaches the audit log');
      const line = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['event'] === 'tool.failed');
      assert.equal(line?.['reason'], REDACTED);
    } finally {
      await host?.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
