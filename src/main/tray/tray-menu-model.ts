import type { ApprovalRequest } from '../../base/contracts/approval.js';
import type { ChildStatus, EndpointStatus, HostStatus } from '../../base/contracts/broker-status.js';

/** What a menu item does when clicked. */
export type TrayAction =
  | { kind: 'lock'; target: string }
  | { kind: 'lock-all' }
  | { kind: 'restart'; server: string }
  | { kind: 'show-approvals' }
  | { kind: 'settings' }
  | { kind: 'audit-log' }
  | { kind: 'toggle-start-at-login' }
  | { kind: 'quit' };

/** One menu row, independent of Electron so it can be unit-tested. */
export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'header'; label: string }
  | { type: 'item'; label: string; enabled: boolean; action?: TrayAction; checked?: boolean; submenu?: TrayMenuItem[] };

/** Inputs besides the host status. */
export interface TrayMenuOptions {
  readonly startAtLogin: boolean;
  /** Formats an epoch-ms time as the user's clock, e.g. "14:32". */
  readonly formatTime: (epochMs: number) => string;
}

/**
 * The tray menu as data (issue 7): endpoints locked or "unlocked until 14:32", servers
 * with their state (failed ones offer Restart), pending approvals, then the app items.
 */
export function buildTrayMenu(status: HostStatus, pending: readonly ApprovalRequest[], options: TrayMenuOptions): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  if (pending.length > 0) {
    items.push({ type: 'item', label: `${pending.length} approval${pending.length === 1 ? '' : 's'} waiting…`, enabled: true, action: { kind: 'show-approvals' } }, { type: 'separator' });
  }
  items.push({ type: 'header', label: 'Endpoints' });
  if (status.endpoints.length === 0) items.push({ type: 'item', label: 'No endpoints: add one in Settings…', enabled: false });
  for (const e of status.endpoints) items.push(endpointItem(e, options));
  items.push({ type: 'separator' }, { type: 'header', label: 'Servers' });
  if (status.children.length === 0) items.push({ type: 'item', label: 'No servers', enabled: false });
  for (const c of status.children) items.push(serverItem(c));
  const anyUnlocked = status.endpoints.some((e) => e.lock !== 'locked');
  items.push(
    { type: 'separator' },
    { type: 'item', label: 'Lock all', enabled: anyUnlocked, action: { kind: 'lock-all' } },
    { type: 'item', label: 'Settings…', enabled: true, action: { kind: 'settings' } },
    { type: 'item', label: 'Open audit log', enabled: true, action: { kind: 'audit-log' } },
    { type: 'item', label: 'Start at login', enabled: true, checked: options.startAtLogin, action: { kind: 'toggle-start-at-login' } },
    { type: 'separator' },
    { type: 'item', label: 'Quit KeyBroker', enabled: true, action: { kind: 'quit' } },
  );
  return items;
}

/** "vc1: locked", "vc1: unlocked until 14:32" (with a Lock item), "vc1: unlocked once". */
export function endpointLabel(e: EndpointStatus, formatTime: (ms: number) => string): string {
  if (e.lock === 'locked') return `${e.id}: locked`;
  if (e.lock === 'once') return `${e.id}: unlocked once`;
  return e.unlockedUntil !== undefined ? `${e.id}: unlocked until ${formatTime(e.unlockedUntil)}` : `${e.id}: unlocked`;
}

function endpointItem(e: EndpointStatus, options: TrayMenuOptions): TrayMenuItem {
  const label = endpointLabel(e, options.formatTime);
  if (e.lock === 'locked') return { type: 'item', label, enabled: false };
  return { type: 'item', label, enabled: true, submenu: [{ type: 'item', label: `Lock ${e.id}`, enabled: true, action: { kind: 'lock', target: e.id } }] };
}

function serverItem(c: ChildStatus): TrayMenuItem {
  const label = `${c.name}: ${c.state}${c.restarts > 0 ? ` (${c.restarts} restart${c.restarts === 1 ? '' : 's'})` : ''}`;
  const restart: TrayMenuItem = { type: 'item', label: `Restart ${c.name}`, enabled: c.state !== 'restarting' && c.state !== 'starting', action: { kind: 'restart', server: c.name } };
  return { type: 'item', label, enabled: true, submenu: [restart] };
}
