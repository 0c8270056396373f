import type { HostStatus } from '../../core/common/contracts/broker-status.js';

/** What the tray icon shows. */
export type TrayState = 'locked' | 'unlocked' | 'pending';

/** Pending approvals win (they need the user); then any unlock; else locked. */
export function trayState(status: HostStatus, pendingCount: number): TrayState {
  if (pendingCount > 0) return 'pending';
  return status.endpoints.some((e) => e.lock !== 'locked') ? 'unlocked' : 'locked';
}

/**
 * The icon file for a state. "Template" in the name makes macOS tint it for light and
 * dark menu bars; Electron picks the `@2x` sibling on Retina displays by itself.
 */
export function trayIconFile(state: TrayState): string {
  return `tray-${state}Template.png`;
}
