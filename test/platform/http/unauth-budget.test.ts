// The budget of refusals before authentication (issue 10 item 4), on its own with a
// hand-driven clock: per address and overall, the Retry-After it computes, refill that never
// mints tokens when the clock steps back, and the bounded table of addresses (issue 12:
// mutation testing showed these unguarded by the front-door tests alone).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UNAUTH_GLOBAL_PER_MINUTE, UNAUTH_PER_SOURCE_PER_MINUTE, UnauthBudget } from '../../../src/platform/http/unauth-budget.js';

/** Take `n` refusals for `source`; every one must be allowed. */
function spend(budget: UnauthBudget, source: string, n: number): void {
  for (let i = 0; i < n; i++) assert.deepEqual(budget.take(source), { ok: true }, `${source} #${i + 1}`);
}

describe('UnauthBudget', () => {
  it('defaults to 60 refusals a minute per address and 300 overall', () => {
    assert.equal(UNAUTH_PER_SOURCE_PER_MINUTE, 60);
    assert.equal(UNAUTH_GLOBAL_PER_MINUTE, 300);
    const budget = new UnauthBudget(undefined, undefined, () => 0);
    spend(budget, 'a', 60);
    assert.deepEqual(budget.take('a'), { ok: false, retryAfterSeconds: 1 });
    for (const s of ['b', 'c', 'd', 'e']) spend(budget, s, 60);
    assert.deepEqual(budget.take('f'), { ok: false, retryAfterSeconds: 1 }, 'the overall 300 are spent');
  });

  it('refuses an address past its own budget and says when one refusal is free again', () => {
    let now = 0;
    const budget = new UnauthBudget(6, 1000, () => now);
    spend(budget, 'a', 6);
    assert.deepEqual(budget.take('a'), { ok: false, retryAfterSeconds: 10 });
    now += 5_000;
    assert.deepEqual(budget.take('a'), { ok: false, retryAfterSeconds: 5 }, 'half a token back: 5 s to go');
    now += 5_000;
    assert.deepEqual(budget.take('a'), { ok: true });
    assert.equal(budget.take('b').ok, true, 'another address has its own budget');
  });

  it('refuses everyone once the overall budget is spent, and a refused request spends nothing', () => {
    let now = 0;
    const budget = new UnauthBudget(3, 2, () => now);
    spend(budget, 'a', 1);
    spend(budget, 'b', 1);
    assert.deepEqual(budget.take('c'), { ok: false, retryAfterSeconds: 30 });
    assert.deepEqual(budget.take('a'), { ok: false, retryAfterSeconds: 30 });
    now += 60_000;
    // Both overall tokens are back; c's own budget was never touched by its refusal.
    spend(budget, 'c', 2);
    assert.equal(budget.take('c').ok, false);
  });

  it('answers the longer wait when both budgets are empty, and never less than 1 s', () => {
    const now = 0;
    const budget = new UnauthBudget(1, 4, () => now);
    spend(budget, 'a', 1);
    assert.deepEqual(budget.take('a'), { ok: false, retryAfterSeconds: 60 }, 'own: 60 s; overall still has 3');
    spend(budget, 'b', 1);
    spend(budget, 'c', 1);
    spend(budget, 'd', 1);
    assert.deepEqual(budget.take('e'), { ok: false, retryAfterSeconds: 15 }, 'overall: 15 s');
    assert.deepEqual(budget.take('a'), { ok: false, retryAfterSeconds: 60 }, 'both empty: the longer wait');
    const fast = new UnauthBudget(6000, 6000, () => 0);
    spend(fast, 'x', 6000);
    assert.deepEqual(fast.take('x'), { ok: false, retryAfterSeconds: 1 }, '10 ms rounds up to 1 s');
  });

  it('says when one overall refusal is free again once the overall budget is part refilled (own budget full)', () => {
    let now = 0;
    const budget = new UnauthBudget(100, 6, () => now);
    for (const s of ['a', 'b', 'c', 'd', 'e', 'f']) spend(budget, s, 1);
    assert.deepEqual(budget.take('g'), { ok: false, retryAfterSeconds: 10 }, 'overall empty: one token in 10 s');
    now += 5_000;
    assert.deepEqual(budget.take('g'), { ok: false, retryAfterSeconds: 5 }, 'half an overall token back: 5 s to go, not 15');
    now += 2_500;
    assert.deepEqual(budget.take('g'), { ok: false, retryAfterSeconds: 3 }, '2.5 s rounds up to 3');
    now += 2_500;
    assert.deepEqual(budget.take('g'), { ok: true });
  });

  it('refills continuously up to the budget, never beyond, overall too', () => {
    let now = 0;
    const budget = new UnauthBudget(2, 3, () => now);
    spend(budget, 'a', 2);
    now += 60 * 60_000;
    spend(budget, 'a', 2);
    assert.equal(budget.take('a').ok, false, 'an hour idle gives back 2, not 120');
    spend(budget, 'b', 1);
    assert.equal(budget.take('c').ok, false, 'the overall 3 refilled to 3, not 180');
  });

  it('mints no refusals when the clock steps backwards', () => {
    let now = 10 * 60_000;
    const budget = new UnauthBudget(1, 100, () => now);
    spend(budget, 'a', 1);
    now -= 5 * 60_000;
    assert.equal(budget.take('a').ok, false, 'five minutes back is no time at all');
    now += 30_000;
    assert.equal(budget.take('a').ok, false, 'time counts from the step back, not from before it');
    now += 30_000;
    assert.equal(budget.take('a').ok, true);
  });

  it('starts the overall budget full at the clock of its creation', () => {
    let now = 5 * 60_000;
    const budget = new UnauthBudget(10, 1, () => now);
    spend(budget, 'a', 1);
    assert.deepEqual(budget.take('b'), { ok: false, retryAfterSeconds: 60 });
    now += 60_000;
    assert.equal(budget.take('b').ok, true);
  });

  it('tracks 256 addresses; a new one beyond forgets the oldest only', () => {
    const budget = new UnauthBudget(1, 1_000_000, () => 0);
    spend(budget, 's0', 1);
    assert.equal(budget.take('s0').ok, false);
    for (let i = 1; i < 256; i++) spend(budget, `s${i}`, 1);
    assert.equal(budget.take('s0').ok, false, '256 addresses: s0 is still tracked');
    spend(budget, 's256', 1);
    assert.equal(budget.take('s1').ok, false, 's1 is still tracked');
    assert.equal(budget.take('s0').ok, true, 's0 was forgotten and starts afresh');
  });
});
