// E7-redteam: in the desktop app, `keybroker approve` (the control socket, which any process
// running as the user reaches) answered the popup's every prompt (D22), so a program that wrote
// config.json allowed its own loosened policy (D259) or its own server's unlock (D250) without
// the person's click. A real Host on a temp home, its real control socket and ControlClient;
// the prompts wait in the real PendingApprovals queue the popup and the CLI share.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApprovalDecision, ApprovalRequest, ApprovalSubject } from '../../../src/base/contracts/approval.js';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { ControlClient } from '../../../src/platform/control/control-client.js';
import { Host } from '../../../src/platform/host/host.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';

const HASH = 'a'.repeat(64);
const SUBJECTS: Record<string, ApprovalSubject> = {
  policy: { kind: 'policy', loosenings: ['config.json now lets vsphere/vsphere_power run without asking (policy.allow)'], hash: HASH },
  configServerUnlock: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 3600, hosts: ['vc1.corp.example'], fromConfig: { command: 'node /home/u/evil/index.cjs', codeSha256: HASH } },
  tool: { kind: 'tool', tool: 'vsphere_power', argsPreview: '{}', changes: true },
  unlock: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 3600, hosts: ['vc1.corp.example'] },
};

/** A Host on a fresh home with the CLI's approval queue; `body` gets a way to raise a prompt and to answer it as `keybroker approve` does. */
async function withHost(windowOnlyConsent: boolean, body: (raise: (subject: ApprovalSubject) => { request: ApprovalRequest; answer: Promise<ApprovalDecision> }, approve: (id: string) => Promise<string>, waiting: () => string[]) => Promise<void>): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-woc-'));
  new ConfigStore(home).save(Config.parse({ ...emptyConfig() }));
  const pending = new PendingApprovals();
  const stop = new AbortController();
  const host = await Host.start({ home, keychain: new MemoryKeychain(), logins: { vsphere: new FakeUpstreamLogin('pw'), p6: new FakeUpstreamLogin('pw') }, approver: pending, pending, ...(windowOnlyConsent && { windowOnlyConsent }) });
  const cli = await ControlClient.connect(home);
  const raise = (subject: ApprovalSubject) => {
    const request: ApprovalRequest = { id: pending.newId(), client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1', subject, createdAt: Date.now(), expiresAt: Date.now() + 60_000 };
    return { request, answer: pending.request(request, stop.signal) };
  };
  const approve = async (id: string) => {
    try {
      // No wall-clock bound in a test: the runner's own timeout stands.
      await cli.call('approvals.decide', { approval: id, decision: 'allow-once' }, { timeoutMs: 600_000 });
      return 'ok';
    } catch (e) {
      return `${String((e as { remoteCode?: string }).remoteCode)}: ${(e as Error).message}`;
    }
  };
  try {
    await body(raise, approve, () => pending.list().map((r) => r.id));
  } finally {
    stop.abort();
    cli.close();
    await host.stop();
    pending.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

describe('the desktop app answers a config.json writer\'s prompts only in its window (E7-redteam)', () => {
  it('keybroker approve of a policy consent or of a config.json server\'s unlock is refused, in one line that says where to answer; the prompt stays up', async () => {
    await withHost(true, async (raise, approve, waiting) => {
      for (const which of ['policy', 'configServerUnlock'] as const) {
        const { request } = raise(SUBJECTS[which]!);
        const answer = await approve(request.id);
        assert.match(answer, /^CORE_APPROVAL_IN_WINDOW: approval [0-9a-f]{8} is (a policy consent|an unlock for a server config\.json added).*only from a click in its window.*answer it there$/, `the CLI allowed the desktop app's ${which} prompt without a click: ${answer}`);
        assert.doesNotMatch(answer, /\n/, 'one line');
        assert.ok(waiting().includes(request.id), `the ${which} prompt is still up for the person`);
      }
    });
  });

  it('its other prompts are still answered by keybroker approve, as D22 says; the headless host answers every prompt', async () => {
    await withHost(true, async (raise, approve) => {
      for (const which of ['tool', 'unlock'] as const) {
        const { request, answer } = raise(SUBJECTS[which]!);
        assert.equal(await approve(request.id), 'ok', `the ${which} prompt`);
        assert.equal(await answer, 'allow-once', `the ${which} prompt was allowed`);
      }
    });
    await withHost(false, async (raise, approve) => {
      const { request, answer } = raise(SUBJECTS['policy']!);
      assert.equal(await approve(request.id), 'ok', 'headless: keybroker approve is how a person answers');
      assert.equal(await answer, 'allow-once');
    });
  });
});
