// A7-redteam: a compromised server child sends token requests for a locked credential without
// waiting for answers. Each request waited for the unlock prompt with a keychain read (D222),
// an entry among the prompt's requesters (D215) and its promises, without bound: 40,000 were
// 400 MB of the host's heap, and answering the prompt then took seconds of one turn. A
// repeated id did not help either: it replaced the request's entry while the older request
// went on waiting. Now at most CHILD_TOKEN_REQUESTS_WAITING of a child wait at once;
// past it a request is refused at once and counts against its refused-frame budget. Real
// parts: Secret Service, the real CLI, the in-process host with its AuditLog, real forked
// children on the real host channel.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTokenChild } from '../support/token-child.js';
import type { Host } from '../../src/platform/host/host.js';
import type { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import type { AuditInput } from '../../src/platform/ports/audit-sink.js';
import { CHILD_TOKEN_REQUESTS_WAITING } from '../../src/platform/broker/token-service.js';
import { MAX_INVALID_FRAMES_PER_CHILD } from '../../src/platform/supervisor/child-channel.js';
import { startP6HomeWorld, type P6HomeWorld } from '../support/p6-home-world.js';
import { until } from '../support/wait.js';

const PASSWORD = 'child-flood-Secret';
/** Requests the child sends without waiting. */
const FLOOD = 1000;

describe('a compromised child flooding token requests for a locked credential (A7-redteam)', () => {
  let world: P6HomeWorld | undefined;
  let host: Host | undefined;
  let pending: PendingApprovals;

  before(async () => {
    world = await startP6HomeWorld({ password: PASSWORD, prefix: 'kb-token-flood-' });
    ({ host, pending } = world);
  });

  after(async () => {
    await world?.stop();
  });

  for (const [what, idOf] of [['distinct ids', (i: number) => `r${i}`], ['one id repeated', () => 'same']] as const) {
    it(`keeps ${CHILD_TOKEN_REQUESTS_WAITING} waiting, refuses the rest until the child loses its channel, and stays answerable (${what})`, async () => {
      const h = host!;
      await h.lock(undefined); // The case before left an allow-once session: pm is locked again.
      const denied: AuditInput[] = [];
      const sub = h.audit.onDidAppend((r) => {
        if (r.event === 'token.denied' && r.server === 'evil') denied.push(r);
      });
      const evil = await startTokenChild(h, 'p6', 'evil');
      let exited = false;
      evil.handle.onDidExit(() => { exited = true; });
      try {
        for (let i = 0; i < FLOOD; i++) evil.raw({ ch: 'broker', t: 'token.request', id: idOf(i), endpoint: 'pm' });
        await until('the flooding child to lose its channel', () => exited);
        const refused = denied.filter((r) => r.code === 'invalid' && /too many token requests of the evil server wait for an unlock or a login \(256\); ask again when one has been answered/.test(String(r.reason)));
        assert.ok(refused.length >= 1 && refused.length <= MAX_INVALID_FRAMES_PER_CHILD + 1, `refused past the bound, until the budget closed the channel: ${refused.length} refusals`);
        assert.ok(refused.every((r) => r.pid === evil.handle.pid), 'each refusal carries the child pid (its refused-frame budget counts it)');
        // Its waiting requests went with its channel: the one prompt they shared is withdrawn.
        await until('the flood prompt to be withdrawn', () => pending.list().length === 0);
      } finally {
        await evil.stop();
        sub.dispose();
      }
      // The host answers an honest child afterwards.
      const honest = await startTokenChild(h, 'p6', `honest-${idOf(1)}`);
      try {
        const tag = honest.ask('pm');
        await until('the honest prompt', () => pending.list().length === 1);
        pending.decide(pending.list()[0]!.id, 'allow-once');
        const grant = await honest.answer(tag);
        assert.ok(grant.ok, `the honest child is served: ${JSON.stringify(grant)}`);
      } finally {
        await honest.stop();
      }
    });
  }
});
