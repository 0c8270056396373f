import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockOnPowerEvents, type PowerLockReason } from '../../../src/main/power/lock-on-power-events.js';
import { FakePowerMonitor } from '../../mocks/electron.js';

describe('lockOnPowerEvents()', () => {
  it('locks everything on lock-screen and suspend while enabled', () => {
    const power = new FakePowerMonitor();
    const locks: PowerLockReason[] = [];
    let enabled = true;
    const d = lockOnPowerEvents(power as never, () => enabled, (r) => locks.push(r));
    power.emit('lock-screen');
    power.emit('suspend');
    enabled = false;
    power.emit('lock-screen');
    assert.deepEqual(locks, ['lock-screen', 'suspend']);
    d.dispose();
    assert.equal(power.listenerCount(), 0, 'no listener leaked');
  });
});
