// TokenService never throws: a failure that is not a TokenDenied (here the gateway's
// attribution breaking) still becomes a `token.deny` that says where to look, and is audited
// (issue 12: the "could not get a session" default was unguarded by mutation testing).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { Broker } from '../../../src/platform/broker/broker.js';
import type { Keychain } from '../../../src/platform/keychain/keychain.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { ask, PASSWORD, recordingLink, ScriptedApprover, testConfig } from './broker-harness.js';

describe('TokenService failures', () => {
  it('turns an unexpected error into token.deny "unreachable" with a line to follow, audited, and keeps serving', async () => {
    const audit: AuditInput[] = [];
    const keychain: Keychain = { get: async () => PASSWORD, set: async () => {}, delete: async () => true };
    let broken = true;
    const approver = new ScriptedApprover();
    const broker = new Broker({
      config: testConfig, keychain, logins: { vsphere: new FakeUpstreamLogin(PASSWORD), p6: new FakeUpstreamLogin(PASSWORD) }, approver, clock: new ManualClock(),
      audit: { append: (r) => void audit.push(r) },
      attribution: () => {
        if (broken) throw new TypeError('gateway bookkeeping broke');
        return 'claude-code';
      },
    });
    try {
      const link = recordingLink('vsphere');
      const denied = await ask(broker, link, 'vc1', 'a');
      assert.deepEqual(denied, { ch: 'broker', t: 'token.deny', id: 'a', code: 'unreachable', message: "could not get a session for vc1; see 'keybroker audit'" });
      assert.deepEqual(audit.filter((r) => r.event === 'token.denied'), [
        { event: 'token.denied', endpoint: 'vc1', server: 'vsphere', outcome: 'denied', code: 'unreachable', reason: "could not get a session for vc1; see 'keybroker audit'", durationMs: 0 },
      ]);
      assert.equal(approver.prompts.length, 0, 'nothing was asked');
      broken = false;
      const shown = approver.nextPrompt();
      const granted = ask(broker, link, 'vc1', 'b');
      await shown;
      assert.equal(approver.prompts[0]?.client, 'claude-code');
      approver.answer('allow-once');
      assert.equal((await granted).t, 'token.grant');
    } finally {
      await broker.shutdown();
    }
  });
});
