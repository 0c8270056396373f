import assert from 'node:assert/strict';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { Host } from '../../../src/platform/host/host.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';
import { until } from '../../support/wait.js';
import { recordingLink } from '../broker/broker-harness.js';

/**
 * A real Host on `home` with one vSphere endpoint, vc1, whose password is in a memory
 * keychain; the upstream login is faked (`login`, default a plain one) and every approval is
 * allowed. `config` adds top-level config fields (e.g. `audit`).
 */
export function startVc1Host(home: string, password: string, opts: { login?: FakeUpstreamLogin; config?: Record<string, unknown> } = {}): Promise<Host> {
  new ConfigStore(home).save(Config.parse({
    ...emptyConfig(),
    endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
    credentials: [{ id: 'endpoint:vc1' }],
    ...opts.config,
  }));
  const keychain = new MemoryKeychain();
  keychain.items.set('endpoint:vc1', password);
  return Host.start({ home, keychain, logins: { vsphere: opts.login ?? new FakeUpstreamLogin(password), p6: new FakeUpstreamLogin(password) }, approver: { request: async () => 'allow-ttl' } });
}

/** vc1's token grant from the host's broker, asked for as a vSphere child asks. */
export async function grantVc1(host: Host) {
  const link = recordingLink('vsphere');
  host.broker.attachChild(link).accept({ ch: 'broker', t: 'token.request', id: 'r1', endpoint: 'vc1' });
  await until('the token answer', () => link.frames.some((f) => f.t !== 'token.revoke' && f.id === 'r1'));
  const grant = link.frames.find((f) => f.t === 'token.grant');
  assert.ok(grant?.t === 'token.grant', JSON.stringify(link.frames));
  return grant;
}
