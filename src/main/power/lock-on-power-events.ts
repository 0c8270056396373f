import type { PowerMonitor } from 'electron';
import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';

/** The part of `powerMonitor` we listen to. */
export type PowerMonitorPort = Pick<PowerMonitor, 'on' | 'removeListener'>;

/** Why everything was locked. */
export type PowerLockReason = 'lock-screen' | 'suspend';

/**
 * Screen lock and sleep lock every endpoint (DESIGN.md "Lock"), unless the user turned
 * it off (`unlock.lockOnScreenLock`, read at event time so a settings change applies).
 */
export function lockOnPowerEvents(power: PowerMonitorPort, enabled: () => boolean, lockAll: (reason: PowerLockReason) => void): Disposable {
  const onLock = () => {
    if (enabled()) lockAll('lock-screen');
  };
  const onSuspend = () => {
    if (enabled()) lockAll('suspend');
  };
  power.on('lock-screen', onLock);
  power.on('suspend', onSuspend);
  return toDisposable(() => {
    power.removeListener('lock-screen', onLock);
    power.removeListener('suspend', onSuspend);
  });
}
