// The unlock cache on its own: expiry both eager (a timer fires onDidExpire) and lazy (a
// read after the clock jumped past the TTL, no timer fired), replacing and locking.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configServerKey } from '../../../src/platform/broker/asker-keys.js';
import { UnlockCache } from '../../../src/platform/broker/unlock-cache.js';
import { ManualClock } from '../../mocks/manual-clock.js';

/** The digest of a config.json server's code in these tests (D2-modulebytes). */
const CODE = 'c'.repeat(64);

describe('UnlockCache', () => {
  it('unlocks until now + TTL, and expires eagerly at the TTL, firing onDidExpire once', () => {
    const clock = new ManualClock();
    const cache = new UnlockCache(clock);
    const expired: string[] = [];
    cache.onDidExpire((c) => expired.push(c));
    assert.equal(cache.unlock('a', 1000), clock.now() + 1000);
    assert.equal(cache.unlockedUntil('a'), clock.now() + 1000);
    assert.deepEqual(cache.unlocked(), ['a']);
    clock.advance(999);
    assert.equal(cache.unlockedUntil('a'), clock.now() + 1);
    clock.advance(1);
    assert.deepEqual(expired, ['a']);
    assert.equal(cache.unlockedUntil('a'), undefined);
    assert.deepEqual(cache.unlocked(), []);
    assert.equal(clock.pendingTimers, 0);
  });

  it('expires lazily when read after a sleep past the TTL, firing onDidExpire once and cancelling the timer', () => {
    const clock = new ManualClock();
    const cache = new UnlockCache(clock);
    const expired: string[] = [];
    cache.onDidExpire((c) => expired.push(c));
    cache.unlock('a', 1000);
    cache.unlock('b', 5000);
    clock.jump(1000);
    assert.deepEqual(cache.unlocked(), ['b']);
    assert.deepEqual(expired, ['a']);
    assert.equal(clock.pendingTimers, 1, "a's timer is gone");
    clock.advance(0); // Nothing else is due.
    assert.deepEqual(expired, ['a']);
  });

  it('a new unlock replaces the old one and its timer', () => {
    const clock = new ManualClock();
    const cache = new UnlockCache(clock);
    const expired: string[] = [];
    cache.onDidExpire((c) => expired.push(c));
    cache.unlock('a', 1000);
    cache.unlock('a', 3000);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(1000);
    assert.deepEqual(expired, []);
    assert.equal(cache.unlockedUntil('a'), clock.now() + 2000);
  });

  it('lock() forgets silently and says whether there was an unlock; dispose() clears all timers', () => {
    const clock = new ManualClock();
    const cache = new UnlockCache(clock);
    const expired: string[] = [];
    cache.onDidExpire((c) => expired.push(c));
    cache.unlock('a', 1000);
    assert.equal(cache.lock('a'), true);
    assert.equal(cache.lock('a'), false);
    assert.equal(cache.unlockedUntil('a'), undefined);
    assert.equal(clock.pendingTimers, 0);
    cache.unlock('b', 1000);
    cache.unlock('c', 1000);
    cache.dispose();
    assert.equal(clock.pendingTimers, 0);
    assert.deepEqual(cache.unlocked(), []);
    assert.deepEqual(expired, []);
  });

  it('serves a server config.json added only when an allowing prompt named it; a replacing unlock keeps the names for the same hosts only (C7-firstuse)', () => {
    const clock = new ManualClock();
    const cache = new UnlockCache(clock);
    const x = configServerKey('vs-extra', 'node /x.js', CODE);
    const y = configServerKey('vs-other', 'node /y.js', CODE);
    cache.unlock('a', 1000, ['h1']);
    assert.equal(cache.covers('a', 'h1'), true, 'built-in servers are served');
    assert.equal(cache.covers('a', 'h1', x), false, 'a server config.json added is not, unnamed');
    cache.unlock('a', 1000, ['h1'], x);
    assert.equal(cache.covers('a', 'h1', x), true, 'named by the allowing prompt');
    assert.equal(cache.covers('a', 'h1', configServerKey('vs-extra', 'node /other.js', CODE)), false, 'the same name with another command is another server');
    cache.unlock('a', 1000, ['h1'], y);
    assert.deepEqual([cache.covers('a', 'h1', x), cache.covers('a', 'h1', y)], [true, true], 'an allow for the same hosts keeps the servers named before');
    cache.unlock('a', 1000, ['h2']);
    assert.deepEqual([cache.covers('a', 'h2', x), cache.covers('a', 'h2', y), cache.covers('a', 'h2')], [false, false, true], 'an unlock for other hosts names none of them');
    cache.unlock('a', 1000, ['h2'], x);
    clock.advance(1000);
    cache.unlock('a', 1000, ['h2']);
    assert.equal(cache.covers('a', 'h2', x), false, 'an expired unlock passes nothing on');
    cache.dispose();
  });

  it('keeps the named servers only for exactly the same hosts, in any order; an unlock read past its TTL before its timer fired serves nothing and passes nothing on (E1-consentmut)', () => {
    const clock = new ManualClock();
    const cache = new UnlockCache(clock);
    const x = configServerKey('vs-extra', 'node /x.js', CODE);
    cache.unlock('a', 1000, ['h1', 'h2'], x);
    cache.unlock('a', 1000, ['h2', 'h1']);
    assert.equal(cache.covers('a', 'h1', x), true, 'the same hosts in another order are the same hosts');
    cache.unlock('a', 1000, ['h1', 'h3']);
    assert.equal(cache.covers('a', 'h1', x), false, 'hosts that share one with the named unlock are other hosts');
    cache.unlock('a', 1000, ['h1'], x);
    cache.unlock('a', 1000, ['h1', 'h2']);
    assert.equal(cache.covers('a', 'h1', x), false, 'more hosts than the named unlock are other hosts');
    cache.unlock('a', 1000, ['h1'], x);
    cache.unlock('a', 1000, []);
    cache.unlock('a', 1000, ['h1']);
    assert.equal(cache.covers('a', 'h1', x), false, 'fewer hosts in between ended the names');
    cache.unlock('a', 1000, ['h1'], x);
    clock.jump(1000); // No timer fired: only the reads see the TTL is over.
    cache.unlock('a', 1000, ['h1']);
    assert.equal(cache.covers('a', 'h1', x), false, 'an unlock past its TTL, its timer not yet fired, passes nothing on');
    cache.unlock('a', 1000, ['h1'], x);
    clock.jump(1000);
    assert.deepEqual([cache.covers('a', 'h1', x), cache.covers('a', 'h1')], [false, false], 'an unlock past its TTL, its timer not yet fired, covers nothing');
    cache.dispose();
  });

  it('serves a config.json server\'s named code only: another digest of the same server and command is not covered, and is told apart as changed code (D2-modulebytes)', () => {
    const clock = new ManualClock();
    const cache = new UnlockCache(clock);
    const before = configServerKey('vs-extra', 'node /x.js', 'a'.repeat(64));
    const after = configServerKey('vs-extra', 'node /x.js', 'b'.repeat(64));
    assert.equal(cache.namedOtherCode('a', after), false, 'a locked credential names nothing');
    cache.unlock('a', 1000, ['h1'], before);
    assert.equal(cache.covers('a', 'h1', before), true, 'the code the prompt named is served');
    assert.equal(cache.covers('a', 'h1', after), false, 'its module rewritten: not served by the allow of the code before');
    assert.equal(cache.namedOtherCode('a', after), true, 'the same server and command allowed with other code: its code changed');
    assert.equal(cache.namedOtherCode('a', before), false, 'the code allowed is not changed code');
    assert.equal(cache.namedOtherCode('a', configServerKey('vs-extra', 'node /y.js', 'b'.repeat(64))), false, 'another command is another server, not changed code');
    assert.equal(cache.namedOtherCode('a', configServerKey('vs-other', 'node /x.js', 'b'.repeat(64))), false, 'another name is another server, not changed code');
    cache.unlock('a', 1000, ['h1'], after);
    assert.deepEqual([cache.covers('a', 'h1', before), cache.covers('a', 'h1', after)], [true, true], 'an allow of the new code keeps the old one named (both were allowed)');
    clock.jump(1000); // No timer fired: only the read sees the TTL is over.
    assert.equal(cache.namedOtherCode('a', after), false, 'an unlock read past its TTL names nothing');
    cache.dispose();
  });
});
