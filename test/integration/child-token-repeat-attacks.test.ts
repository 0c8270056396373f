// Red team round 9's left finding (D191, Y2-auditflood): a compromised server child re-asks
// for the token it already holds, or "renews" a token that is no longer the current one, in
// a loop. Each is served from the held session (no keychain read, no upstream login); the
// audit must not get one `token.granted` line per repeat. Real parts: Secret Service, the
// real CLI, the host with its AuditLog, a real forked child on the real host channel.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTokenChild } from '../support/token-child.js';
import { readAudit } from '../../src/platform/audit/read-audit.js';
import type { Host } from '../../src/platform/host/host.js';
import type { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { startP6HomeWorld, type P6HomeWorld } from '../support/p6-home-world.js';

const PASSWORD = 'child-repeat-Secret';
/** Repeats of each kind the child sends. */
const FLOOD = 1500;

describe('a compromised child re-asking for the token it holds (Y2-auditflood)', () => {
  let world: P6HomeWorld | undefined;
  let home: string;
  let host: Host | undefined;
  let pending: PendingApprovals;

  before(async () => {
    world = await startP6HomeWorld({ password: PASSWORD, prefix: 'kb-child-repeat-' });
    ({ home, host, pending } = world);
  });

  after(async () => {
    await world?.stop();
  });

  it('is served from the held session and audited as one summary, not a line per repeat', async () => {
    const h = host!;
    pending.onDidChange(() => {
      for (const a of pending.list()) pending.decide(a.id, 'allow-ttl');
    });
    const child = await startTokenChild(h, 'p6', 'evil');
    let killed = false;
    child.handle.onDidExit(() => { killed = true; });
    let granted = 0;
    h.audit.onDidAppend((r) => {
      if (r.event === 'token.granted') granted += 1;
    });
    try {
      const before = world!.fake.loginAttempts('planner'); // `endpoint add` checked the password
      const grant = await child.token('pm');
      assert.ok(grant.ok, JSON.stringify(grant));
      const logins = world!.fake.loginAttempts('planner');
      assert.equal(logins, before + 1, 'one upstream login for the first grant');
      for (let i = 0; i < FLOOD; i++) {
        child.raw({ ch: 'broker', t: 'token.request', id: `r${i}`, endpoint: 'pm' });
        child.raw({ ch: 'broker', t: 'token.renew', id: `n${i}`, endpoint: 'pm', stale: `an-older-token-${i}` });
      }
      await child.ping();
      assert.equal(killed, false, 'repeats are what our runtime does too: they do not cost the child its life');
      assert.equal(world!.fake.loginAttempts('planner'), logins, 'a repeat cost an upstream login (and a keychain read)');
      assert.equal(granted, 1, `${granted - 1} token.granted lines for ${2 * FLOOD} repeats of one grant`);
    } finally {
      await child.stop();
    }
    await h.stop(); // Its last act writes the repeats still counted; the home stays until after().
    const { records } = readAudit(home, { fromRotated: true });
    const grants = records.filter((r) => r.event === 'token.granted');
    assert.equal(grants.length, 2, `the first grant in full and one summary: ${JSON.stringify(grants)}`);
    assert.equal(grants[0]!.count, undefined, 'the first grant is a full record');
    assert.equal(grants[1]!.count, 2 * FLOOD, 'the summary counts every repeat');
    assert.ok(grants[1]!.since && grants[1]!.last && grants[1]!.since <= grants[1]!.last, `the summary says when the repeats began and ended: ${JSON.stringify(grants[1])}`);
  });
});
