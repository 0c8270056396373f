// Security rules (issue 12): allow-once is one session of at most 15 minutes, and an expired
// unlock or session is refused on use even when no timer fired (the machine slept: timers
// run late after a wake, so expiry must also be checked lazily). ManualClock.jump moves the
// clock without firing timers, which is exactly what a sleep looks like to the process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ONCE_SESSION_MS } from '../../../src/platform/broker/token-service.js';
import { askAnswered, makeBroker, recordingLink, testConfig } from './broker-harness.js';

const HOUR = 3600 * 1000;

describe('Broker expiry', () => {
  it('allow-once grants one session of 15 minutes even when the TTL is 4 hours, then asks again', async () => {
    assert.equal(ONCE_SESSION_MS, 15 * 60 * 1000);
    const { broker, approver, clock, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const grant = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-once');
    assert.equal(grant.t === 'token.grant' && grant.expiresAt, clock.now() + 15 * 60 * 1000);

    clock.advance(15 * 60 * 1000);
    await new Promise((r) => setImmediate(r));
    assert.ok(link.frames.some((f) => f.t === 'token.revoke' && f.endpoint === 'vc1'), 'the token is revoked at 15 minutes');
    assert.deepEqual(vsphere.logouts, ['tok-vc1-1']);

    assert.equal((await askAnswered(broker, approver, link, 'vc1', 'b', 'deny')).t, 'token.deny');
    assert.equal(approver.prompts.length, 2);
  });

  it('allow-once never outlives a TTL shorter than 15 minutes', async () => {
    const { broker, approver, clock, setConfig } = makeBroker();
    const c = testConfig();
    setConfig({ ...c, credentials: c.credentials.map((x) => (x.id === 'domain:corp.example' ? { ...x, ttlSeconds: 300 } : x)) });
    const grant = await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-once');
    assert.equal(grant.t === 'token.grant' && grant.expiresAt, clock.now() + 300 * 1000);
  });

  it('after a sleep past the TTL, with no timer fired, refuses the old session and asks again', async () => {
    const { broker, approver, clock, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const grant = await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    assert.equal(grant.t === 'token.grant' && grant.token, 'tok-vc1-1');

    clock.jump(4 * HOUR + 1); // The machine slept through the TTL; no timer has run yet.
    // Lazily expired: the unlock is gone, so the user is asked again.
    const renewed = await askAnswered(broker, approver, link, 'vc1', 'b', 'allow-ttl');
    assert.equal(renewed.t === 'token.grant' && renewed.token, 'tok-vc1-2', 'a new session, not the expired one');
    assert.equal(renewed.t === 'token.grant' && renewed.expiresAt, clock.now() + 4 * HOUR);
    assert.deepEqual(vsphere.logouts, ['tok-vc1-1'], 'the expired session is logged out');
    assert.equal(approver.prompts.length, 2);
  });

  it('after a sleep past an allow-once session, with no timer fired, asks again', async () => {
    const { broker, approver, clock } = makeBroker();
    const link = recordingLink('vsphere');
    await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-once');

    clock.jump(ONCE_SESSION_MS);
    assert.equal((await askAnswered(broker, approver, link, 'vc1', 'b', 'deny')).t, 'token.deny');
  });

  it('reports an unlock that expired during a sleep as locked in status', async () => {
    const { broker, approver, clock } = makeBroker();
    await askAnswered(broker, approver, recordingLink('vsphere'), 'vc1', 'a', 'allow-ttl');
    clock.jump(4 * HOUR);
    const vc1 = broker.endpointStatus().find((e) => e.id === 'vc1');
    assert.deepEqual([vc1?.lock, vc1?.session], ['locked', undefined]);
  });
});
