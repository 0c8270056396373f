import type { HostStatus } from '../../base/contracts/broker-status.js';

/** What the tray icon shows. */
export type TrayState = 'locked' | 'unlocked' | 'pending';

/** Pending approvals win (they need the user); then any unlock; else locked. */
export function trayState(status: HostStatus, pendingCount: number): TrayState {
  if (pendingCount > 0) return 'pending';
  return status.endpoints.some((e) => e.lock !== 'locked') ? 'unlocked' : 'locked';
}

/**
 * The icon file for a state. On macOS a template image ("Template" in the name): black and
 * alpha, which macOS tints for light and dark menu bars. Windows and most Linux trays do not
 * tint, and may be dark or light, so they get the coloured icons with a white outline
 * (scripts/make-icons.mjs). Electron picks the `@2x` sibling on high-density displays by itself.
 */
export function trayIconFile(state: TrayState, platform: NodeJS.Platform = 'darwin'): string {
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

/** The text next to the macOS menu-bar icon: the number of waiting approvals, else nothing. */
export function trayTitle(pendingCount: number): string {
  return pendingCount > 0 ? String(pendingCount) : '';
}
