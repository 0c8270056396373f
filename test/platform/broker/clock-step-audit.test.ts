// D7-redteam: the wall clock steps back (an NTP correction, a wake from sleep) while an unlock
// prompt is up. Every record's `durationMs` is `clock.now() - started`; a negative one breaks
// the audit contract, and the record was refused with a BugError: the person's allow had
// already unlocked the credential, but its `unlock.approved` record was never written, and
// the request was denied. Real parts: the real Broker, Consent, askUser and AuditLog (its
// contract check); the clock that steps back is the ManualClock (no test may set the real one).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { Broker } from '../../../src/platform/broker/broker.js';
import type { Keychain } from '../../../src/platform/keychain/keychain.js';
import { boundItem } from '../../../src/platform/keychain/password-envelope.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { readAudit } from '../../support/audit-file.js';
import { ask, PASSWORD, recordingLink, ScriptedApprover, testConfig } from './broker-harness.js';

describe('the wall clock steps back during an unlock prompt (D7-redteam)', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-clockstep-'));
  });
  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('records the allow it acted on, and the request gets its session', async () => {
    const clock = new ManualClock();
    const audit = new AuditLog({ home, settings: { maxBytes: 1024 * 1024, keep: 1 }, secrets: () => [PASSWORD], now: () => new Date(clock.now()) });
    const config = testConfig();
    const store = new Map([['endpoint:pm', boundItem(PASSWORD, config, 'endpoint:pm')]]);
    const keychain: Keychain = { get: async (a) => store.get(a), set: async (a, s) => void store.set(a, s), delete: async (a) => store.delete(a) };
    const approver = new ScriptedApprover();
    const broker = new Broker({ config: () => config, keychain, logins: { vsphere: new FakeUpstreamLogin(PASSWORD), p6: new FakeUpstreamLogin(PASSWORD) }, approver, clock, audit });
    try {
      const shown = approver.nextPrompt();
      const reply = ask(broker, recordingLink('p6'), 'pm', 'a');
      await shown;
      clock.jump(-5_000); // An NTP step back of five seconds while the person reads the prompt.
      approver.answer('allow-ttl');
      const answer = await reply;
      const records = readAudit(home);
      // Before: the unlock was cached, but its record refused ("durationMs: Too small"), the request denied.
      assert.ok(records.some((r) => r.event === 'unlock.approved' && r.durationMs === 0), `the allow is recorded: ${records.map((r) => `${r.event}/${r.code ?? ''}`).join(' ')}`);
      assert.equal(answer.t, 'token.grant', `the request gets its session: ${JSON.stringify(answer)}`);
      assert.ok(records.some((r) => r.event === 'token.granted' && r.durationMs === 0), 'and its grant is recorded');
      assert.ok(!records.some((r) => r.event === 'frame.invalid'), 'no handler failure');
    } finally {
      await broker.lock(); // Its logout is audited: before the log closes.
      broker.dispose();
      audit.dispose();
    }
  });
});
