// Z3-renew (D202's "left"): a child renewing the token that is still current costs an upstream
// login and three audit lines each time. At most one such re-login per credential and endpoint
// per window; the rest are served that login's session and audited coalesced. Through the real
// Broker, Sessions, Consent and TokenService; the upstream is the counting fake (the vcsim run is
// test/integration/renew-storm.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FORCED_RELOGIN_WINDOW_MS, ForcedRelogins, LIVENESS_REUSE_MS, PROVEN_DEAD_RELOGINS } from '../../../src/platform/broker/forced-relogins.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { ask, askAnswered, makeBroker, recordingLink } from './broker-harness.js';

/** Let queued jobs run (no clock involved). */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

const tokenOf = (f: { t: string; token?: string }): string => {
  assert.equal(f.t, 'token.grant', `expected a grant, got ${JSON.stringify(f)}`);
  return f.token ?? '';
};

describe('Broker: renews of the current token (renew storms)', () => {
  it('a child renewing in a loop logs in again once per window, and the audit stays a few lines', async () => {
    const { broker, approver, audit, vsphere, clock } = makeBroker();
    const link = recordingLink('vsphere');
    const first = tokenOf(await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl'));
    const before = audit.length;
    // The first renew of the current token is a real 401 as far as anyone can tell: at once.
    let current = tokenOf(await ask(broker, link, 'vc1', 'r0', first));
    assert.notEqual(current, first, 'the first renew did not log in again');
    for (let i = 1; i <= 1_000; i++) {
      const got = tokenOf(await ask(broker, link, 'vc1', `r${i}`, current));
      assert.equal(got, current, `renew ${i} within the window was not served the session the re-login made`);
      current = got;
    }
    await drain();
    assert.equal(vsphere.logins, 2, 'renews within the window logged in again');
    assert.equal(approver.prompts.length, 1, 'a renew raised a prompt');
    const storm = audit.slice(before);
    assert.ok(storm.length <= 6, `1,001 renews wrote ${storm.length} audit lines: ${JSON.stringify(storm.map((r) => r.event))}`);
    assert.deepEqual(storm.filter((r) => r.count !== undefined).map((r) => r.count), [1], 'the first held renew is written at once with count 1');
    clock.advance(FORCED_RELOGIN_WINDOW_MS);
    const summary = audit.slice(before).filter((r) => r.count !== undefined);
    assert.deepEqual(summary.map((r) => [r.event, r.server, r.endpoint, r.count]), [['token.granted', 'vsphere', 'vc1', 1], ['token.granted', 'vsphere', 'vc1', 999]], 'the held renews are summed up once at the end of the window');
    assert.match(summary[1]!.reason ?? '', /no new login/, 'the summary says what happened');
    // After the window a renew of the current token logs in at once again: a later real 401.
    const next = tokenOf(await ask(broker, link, 'vc1', 'late', current));
    assert.notEqual(next, current, 'a renew after the window was not renewed');
    assert.equal(vsphere.logins, 3, 'a renew after the window did not log in');
    broker.dispose();
  });

  it('renews racing the window\'s re-login share it: one login for all of them', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const first = tokenOf(await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl'));
    let open!: () => void;
    vsphere.gate = new Promise<void>((r) => { open = r; });
    const racing = Array.from({ length: 20 }, (_, i) => ask(broker, link, 'vc1', `r${i}`, first));
    await drain();
    open();
    const tokens = new Set((await Promise.all(racing)).map(tokenOf));
    assert.equal(tokens.size, 1, `racing renews got ${tokens.size} different sessions`);
    assert.equal(vsphere.logins, 2, 'racing renews logged in more than once');
    broker.dispose();
  });

  it('the window is per endpoint: a re-login of vc1 does not hold back vc2 on the same credential', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const one = tokenOf(await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl'));
    const two = tokenOf(await ask(broker, link, 'vc2', 'b'));
    assert.notEqual(tokenOf(await ask(broker, link, 'vc1', 'c', one)), one, 'vc1 was not renewed');
    assert.notEqual(tokenOf(await ask(broker, link, 'vc2', 'd', two)), two, 'vc2 was held back by vc1\'s window');
    assert.equal(vsphere.logins, 4, 'each endpoint logs in once, then once again');
    broker.dispose();
  });

  it('a session that ended otherwise (lock) starts afresh: its first renew logs in at once', async () => {
    const { broker, approver, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const first = tokenOf(await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl'));
    tokenOf(await ask(broker, link, 'vc1', 'b', first));
    await broker.lock('vc1');
    const fresh = tokenOf(await askAnswered(broker, approver, link, 'vc1', 'c', 'allow-ttl'));
    const renewed = tokenOf(await ask(broker, link, 'vc1', 'd', fresh));
    assert.notEqual(renewed, fresh, 'the new session\'s first renew was held back by the old session\'s window');
    assert.equal(vsphere.logins, 4, 'logins: first, its renew, after the lock, its renew');
    broker.dispose();
  });
});

describe('ForcedRelogins', () => {
  function world() {
    const clock = new ManualClock();
    const records: AuditInput[] = [];
    const relogins = new ForcedRelogins({ audit: { append: (r) => void records.push(r) }, clock });
    return { clock, records, relogins };
  }

  it('allows one re-login per credential and endpoint per window, measured from its start', () => {
    const { clock, relogins } = world();
    assert.equal(relogins.mayRelogin('c', 'e'), true, 'the first re-login was held back');
    clock.advance(FORCED_RELOGIN_WINDOW_MS - 1);
    assert.equal(relogins.mayRelogin('c', 'e'), false, 'a second re-login within the window was allowed');
    assert.equal(relogins.mayRelogin('c', 'other'), true, 'another endpoint shares the window');
    assert.equal(relogins.mayRelogin('d', 'e'), true, 'another credential shares the window');
    assert.equal(relogins.mayRelogin('c', 'e'), false, 'other pairs\' re-logins ended the first pair\'s window');
    clock.advance(1);
    assert.equal(relogins.mayRelogin('c', 'e'), true, 'a re-login right after the window was held back');
    assert.equal(relogins.mayRelogin('c', 'e'), false, 'the window did not start again with it');
    relogins.forget('c', 'e');
    assert.equal(relogins.mayRelogin('c', 'e'), true, 'a forgotten window still held back');
    relogins.dispose();
  });

  it('Security: measures the window and a standing "alive" in monotonic time: steps of the wall clock neither end nor lengthen them (E3-tidy)', async () => {
    const { clock, relogins } = world();
    assert.equal(relogins.mayRelogin('c', 'e'), true, 'the first re-login was held back');
    clock.jump(FORCED_RELOGIN_WINDOW_MS * 60); // The wall clock an hour ahead.
    assert.equal(relogins.mayRelogin('c', 'e'), false, 'a step of the wall clock forward ended the window: a second login');
    const s = upstream(true, false);
    assert.equal(await relogins.provenDead('c', 'e', s.liveness()), false, 'a live session was taken for dead');
    clock.jump(-FORCED_RELOGIN_WINDOW_MS * 120); // Two hours back.
    clock.advance(LIVENESS_REUSE_MS);
    assert.equal(await relogins.provenDead('c', 'e', s.liveness()), true, 'a step back kept the "alive" standing past LIVENESS_REUSE_MS');
    clock.advance(FORCED_RELOGIN_WINDOW_MS - LIVENESS_REUSE_MS - 1);
    assert.equal(relogins.mayRelogin('c', 'e'), false, 'still within the window 1 ms before its end');
    clock.advance(1);
    assert.equal(relogins.mayRelogin('c', 'e'), true, 'a step back lengthened the window: no login after FORCED_RELOGIN_WINDOW_MS');
    relogins.dispose();
  });

  /** A session whose upstream answers `answers` in turn (the last one after that), counting the checks. */
  function upstream(...answers: (boolean | Error)[]) {
    const session = {};
    let checks = 0;
    const gate: { open?: () => void } = {};
    return {
      session,
      get checks() { return checks; },
      /** Holds the next check until `gate.open()`. */
      hold: () => new Promise<void>((r) => { gate.open = r; }),
      gate,
      liveness: (waitFor?: Promise<void>) => ({
        session,
        alive: async () => {
          const answer = answers[Math.min(checks++, answers.length - 1)]!;
          await waitFor;
          if (answer instanceof Error) throw answer;
          return answer;
        },
      }),
    };
  }

  it('within a window, logs in again only for a session its upstream says is dead, at most PROVEN_DEAD_RELOGINS times', async () => {
    const { clock, relogins } = world();
    assert.equal(relogins.mayRelogin('c', 'e'), true, 'the first re-login was held back');
    const live = upstream(true);
    assert.equal(await relogins.provenDead('c', 'e', live.liveness()), false, 'a live session was taken for dead');
    for (let i = 1; i <= PROVEN_DEAD_RELOGINS; i++) {
      const dead = upstream(false);
      assert.equal(await relogins.provenDead('c', 'e', dead.liveness()), true, `dead session ${i} within the window was held`);
      assert.equal(await relogins.provenDead('c', 'e', dead.liveness()), true, `a second renew of dead session ${i} was held (it joins the login)`);
      assert.equal(dead.checks, 1, `dead session ${i} was checked more than once`);
    }
    const spent = upstream(false);
    assert.equal(await relogins.provenDead('c', 'e', spent.liveness()), false, 'a dead session past the allowance logged in again');
    assert.equal(spent.checks, 0, 'a renew past the allowance checked the session');
    assert.equal(await relogins.provenDead('c', 'other', upstream(false).liveness()), true, 'another endpoint shares the allowance');
    clock.advance(FORCED_RELOGIN_WINDOW_MS);
    assert.equal(relogins.mayRelogin('c', 'e'), true, 'the next window was held back');
    assert.equal(await relogins.provenDead('c', 'e', upstream(false).liveness()), true, 'the allowance did not start afresh with the window');
    relogins.mayRelogin('d', 'f');
    relogins.provenDead('d', 'f', upstream(false).liveness());
    relogins.forget('d', 'f');
    assert.equal(relogins.mayRelogin('d', 'f'), true, 'a forgotten pair still held back');
    relogins.dispose();
  });

  it('checks a session once while the check runs and while its "alive" stands; a failed check proves nothing', async () => {
    const { clock, relogins } = world();
    relogins.mayRelogin('c', 'e');
    const s = upstream(true, false);
    const held = s.hold();
    const racing = Array.from({ length: 20 }, () => relogins.provenDead('c', 'e', s.liveness(held)));
    s.gate.open?.();
    assert.deepEqual(new Set(await Promise.all(racing)), new Set([false]), 'racing renews of a live session were not all held');
    assert.equal(s.checks, 1, '20 racing renews were not one check');
    clock.advance(LIVENESS_REUSE_MS - 1);
    assert.equal(await relogins.provenDead('c', 'e', s.liveness()), false, 'the standing "alive" was not used');
    assert.equal(s.checks, 1, 'a renew while "alive" stands checked again');
    clock.advance(1);
    assert.equal(await relogins.provenDead('c', 'e', s.liveness()), true, 'a renew after "alive" stopped standing did not check again');
    assert.equal(s.checks, 2, 'the second check was not made');
    const other = upstream(true);
    assert.equal(await relogins.provenDead('c', 'e', other.liveness()), false, 'another session was answered with the last one\'s check');
    assert.equal(other.checks, 1, 'another session was not checked');
    const failing = upstream(new Error('vCenter unreachable'));
    assert.equal(await relogins.provenDead('c', 'e', failing.liveness()), false, 'a check that failed counted as dead');
    relogins.dispose();
  });

  it('keeps a check per pair, and past 64 pairs\' checks starts afresh', async () => {
    const { relogins } = world();
    const pairs = Array.from({ length: 65 }, () => upstream(true));
    assert.equal(await relogins.provenDead('c', 'e0', pairs[0]!.liveness()), false, 'pair 0 was taken for dead');
    assert.equal(await relogins.provenDead('c', 'e1', pairs[1]!.liveness()), false, 'pair 1 was taken for dead');
    await relogins.provenDead('c', 'e0', pairs[0]!.liveness());
    assert.equal(pairs[0]!.checks, 1, 'another pair\'s check ended pair 0\'s standing answer');
    for (let i = 2; i < 64; i++) await relogins.provenDead('c', `e${i}`, pairs[i]!.liveness());
    await relogins.provenDead('c', 'e0', pairs[0]!.liveness());
    assert.equal(pairs[0]!.checks, 1, '64 pairs\' checks were not all kept');
    await relogins.provenDead('c', 'e64', pairs[64]!.liveness());
    await relogins.provenDead('c', 'e0', pairs[0]!.liveness());
    assert.equal(pairs[0]!.checks, 2, 'the 65th pair\'s check did not start afresh');
    relogins.dispose();
  });

  it('bounds its memory: past 64 pairs it starts afresh (pairs come from the host\'s own config)', () => {
    const { relogins } = world();
    for (let i = 0; i < 64; i++) assert.equal(relogins.mayRelogin('c', `e${i}`), true, `pair ${i} was held back`);
    assert.equal(relogins.mayRelogin('c', 'e0'), false, 'the first of 64 pairs was forgotten');
    assert.equal(relogins.mayRelogin('c', 'e64'), true, 'the 65th pair was held back');
    assert.equal(relogins.mayRelogin('c', 'e0'), true, 'the 65th pair did not start afresh');
    relogins.dispose();
  });

  it('folds held renews of a 65th (server, endpoint) pair into one "other" count', () => {
    const { records, relogins } = world();
    for (let i = 0; i < 65; i++) relogins.held('vsphere', `vc${i}`);
    assert.deepEqual(records.at(-1) && [records.at(-1)!.server, records.at(-1)!.endpoint, records.at(-1)!.count], ['other', 'other', 1], 'the 65th pair was not folded');
    relogins.dispose();
  });

  it('writes the held renews coalesced per server and endpoint, and what is pending on dispose', () => {
    const { clock, records, relogins } = world();
    for (let i = 0; i < 300; i++) relogins.held('vsphere', 'vc1');
    relogins.held('p6', 'pm');
    assert.deepEqual(records.map((r) => [r.server, r.endpoint, r.count]), [['vsphere', 'vc1', 1], ['p6', 'pm', 1]], 'the first of each pair is written at once');
    assert.deepEqual({ ...records[0], since: undefined, last: undefined }, {
      event: 'token.granted', endpoint: 'vc1', server: 'vsphere', outcome: 'ok',
      reason: 'renews of the current token within 60 s of its last re-login: served that login\'s session, no new login',
      count: 1, since: undefined, last: undefined,
    });
    clock.advance(1_000);
    relogins.held('vsphere', 'vc1');
    relogins.dispose();
    assert.deepEqual(records.slice(2).map((r) => [r.server, r.endpoint, r.count]), [['vsphere', 'vc1', 300]], 'the rest are one record, written at dispose');
    assert.equal(records[2]!.since, new Date(clock.now() - 1_000).toISOString(), 'since is the first of them');
    assert.equal(records[2]!.last, new Date(clock.now()).toISOString(), 'last is the last of them');
  });
});
