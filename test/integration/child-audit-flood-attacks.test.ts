// Red team round 9 (R10-attack): a compromised server child floods the audit log with valid
// token requests for endpoints it may never have (names that do not exist). Each is refused
// and audited as `token.denied`; without a budget they rotated the real history out, as the
// refused frames of issue 10 would have. Real parts: Secret Service, the real CLI, the host
// with its AuditLog, a real forked child speaking through the real TokenClient.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTokenChild } from '../support/token-child.js';
import { waitFor } from '../support/keybroker-cli.js';
import type { AuditRecord } from '../../src/base/contracts/audit-event.js';
import { readAudit } from '../../src/platform/audit/read-audit.js';
import type { Host } from '../../src/platform/host/host.js';
import type { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { MAX_INVALID_FRAMES_PER_CHILD } from '../../src/platform/supervisor/child-channel.js';
import { startP6HomeWorld, type P6HomeWorld } from '../support/p6-home-world.js';

const PASSWORD = 'child-flood-Secret';
/** The smallest rotation the config allows: two 64 KiB files in the window. */
const AUDIT = { maxBytes: 64 * 1024, keep: 1 };
/** Each `token.denied` line is over 200 bytes: this many would rotate the window out three times. */
const FLOOD = Math.ceil((3 * 2 * AUDIT.maxBytes) / 200);

describe('a compromised child flooding the audit with valid token requests (R10-attack)', () => {
  let world: P6HomeWorld | undefined;
  let home: string;
  let host: Host | undefined;
  let pending: PendingApprovals;

  before(async () => {
    world = await startP6HomeWorld({ password: PASSWORD, prefix: 'kb-child-flood-', audit: AUDIT });
    ({ home, host, pending } = world);
  });

  after(async () => {
    await world?.stop();
  });

  it('keeps the unlock it approved: the child is stopped after its budget of refused requests', async () => {
    const h = host!;
    const approved: AuditRecord[] = [];
    h.audit.onDidAppend((r) => {
      if (r.event === 'unlock.approved') approved.push(r);
    });
    pending.onDidChange(() => {
      for (const a of pending.list()) pending.decide(a.id, 'allow-ttl');
    });
    const child = await startTokenChild(h, 'p6', 'evil');
    let killed = false;
    child.handle.onDidExit(() => { killed = true; });
    const violations: string[] = [];
    child.handle.onDidViolate((v) => violations.push(v));
    try {
      const grant = await child.token('pm');
      assert.ok(grant.ok, JSON.stringify(grant));
      assert.equal(approved.length, 1, 'the unlock was not audited');
      // Distinct names: the TokenClient shares one request per endpoint name.
      for (let i = 0; i < FLOOD; i++) child.handle.send({ ch: 'mcp', msg: { cmd: 'get', endpoint: `nope-${i}`, tag: `f${i}` } });
      const answered = () => child.reports.filter((r) => typeof r['tag'] === 'string' && (r['tag'] as string).startsWith('f')).length;
      const ended = await waitFor('the child stopped or every flood request answered', () => (killed ? 'killed' : answered() === FLOOD ? 'answered' : undefined), 600_000);
      h.audit.flush();
      const { records } = readAudit(home, { fromRotated: true });
      const denied = records.filter((r) => r.event === 'token.denied').length;
      assert.ok(records.some((x) => x.event === 'unlock.approved' && x.ts === approved[0]!.ts), `the unlock.approved record is gone after ${answered()} refused requests (${ended}; ${denied} token.denied records retained)`);
      assert.equal(ended, 'killed', `the child was not stopped: ${answered()} of ${FLOOD} refused requests answered`);
      assert.ok(denied <= MAX_INVALID_FRAMES_PER_CHILD + 1, `${denied} token.denied records audited, more than the budget`);
      // A supervised child's violation is then audited and it restarts as a crash (invalid-frame-budget.test.ts).
      assert.deepEqual(violations, ['invalid-frames'], 'the channel was not closed for its refused requests');
    } finally {
      await child.stop();
    }
  });
});
