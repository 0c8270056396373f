import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/base/contracts/approval.js';
import type { HostStatus } from '../../../src/base/contracts/broker-status.js';
import { buildTrayMenu, type TrayMenuItem } from '../../../src/main/tray/tray-menu-model.js';
import { trayIconFile, trayState } from '../../../src/main/tray/tray-state.js';

const T_1432 = Date.UTC(2026, 10, 24, 14, 32);
const opts = { startAtLogin: false, formatTime: (ms: number) => new Date(ms).toISOString().slice(11, 16) };

function status(over: Partial<HostStatus> = {}): HostStatus {
  return {
    host: { running: true, home: '/h' },
    endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1', credential: 'endpoint:vc1', readOnly: false, lock: 'locked' }],
    children: [{ name: 'vsphere', kind: 'vsphere', state: 'running', restarts: 0, pid: 10 }],
    pendingApprovals: 0,
    ...over,
  };
}
const labels = (items: TrayMenuItem[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));
const find = (items: TrayMenuItem[], label: string) => items.find((i) => i.type === 'item' && i.label === label) as Extract<TrayMenuItem, { type: 'item' }> | undefined;

describe('buildTrayMenu()', () => {
  it('all locked: endpoint says locked, Lock all disabled, app items present', () => {
    const menu = buildTrayMenu(status(), [], opts);
    assert.deepEqual(labels(menu), ['Endpoints', 'vc1: locked', '---', 'Servers', 'vsphere: running', '---', 'Lock all', 'Settings…', 'Open audit log', 'Start at login', '---', 'Quit KeyBroker']);
    assert.equal(find(menu, 'Lock all')?.enabled, false);
    assert.deepEqual(find(menu, 'Quit KeyBroker')?.action, { kind: 'quit' });
    assert.equal(find(menu, 'Start at login')?.checked, false);
  });

  it('unlocked: "unlocked until 14:32" with a Lock item, Lock all enabled', () => {
    const s = status({ endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1', credential: 'endpoint:vc1', readOnly: false, lock: 'unlocked', unlockedUntil: T_1432 }] });
    const menu = buildTrayMenu(s, [], { ...opts, startAtLogin: true });
    const ep = find(menu, 'vc1: unlocked until 14:32');
    assert.ok(ep, 'the menu has the entry "vc1: unlocked until 14:32"');
    assert.deepEqual((ep.submenu?.[0] as { action?: unknown }).action, { kind: 'lock', target: 'vc1' });
    assert.equal(find(menu, 'Lock all')?.enabled, true);
    assert.equal(find(menu, 'Start at login')?.checked, true);
  });

  it('allow-once session: "unlocked once"', () => {
    const s = status({ endpoints: [{ id: 'p6a', kind: 'p6', url: 'https://p6', credential: 'endpoint:p6a', readOnly: true, lock: 'once' }] });
    assert.ok(find(buildTrayMenu(s, [], opts), 'p6a: unlocked once'), 'the menu has the entry "p6a: unlocked once"');
  });

  it('pending approvals come first', () => {
    const req = { id: '0000000a' } as ApprovalRequest;
    const menu = buildTrayMenu(status({ pendingApprovals: 2 }), [req, { ...req, id: '0000000b' }], opts);
    assert.deepEqual(menu[0], { type: 'item', label: '2 approvals waiting…', enabled: true, action: { kind: 'show-approvals' } });
  });

  it('servers: failed and restarting, with Restart items', () => {
    const s = status({ children: [
      { name: 'vsphere', kind: 'vsphere', state: 'failed', restarts: 5 },
      { name: 'p6', kind: 'p6', state: 'restarting', restarts: 1 },
    ] });
    const menu = buildTrayMenu(s, [], opts);
    const failed = find(menu, 'vsphere: failed (5 restarts)');
    assert.deepEqual(failed?.submenu?.[0], { type: 'item', label: 'Restart vsphere', enabled: true, action: { kind: 'restart', server: 'vsphere' } });
    const restarting = find(menu, 'p6: restarting (1 restart)');
    assert.equal((restarting?.submenu?.[0] as { enabled: boolean }).enabled, false);
  });

  it('no endpoints or servers: says so', () => {
    const menu = buildTrayMenu(status({ endpoints: [], children: [] }), [], opts);
    assert.ok(find(menu, 'No endpoints: add one in Settings…'), 'an empty config says there are no endpoints and where to add one');
    assert.ok(find(menu, 'No servers'), 'an empty config says there are no servers');
  });
});

describe('trayState()', () => {
  it('locked, unlocked, pending', () => {
    assert.equal(trayState(status(), 0), 'locked');
    assert.equal(trayState(status({ endpoints: [{ ...status().endpoints[0]!, lock: 'unlocked' }] }), 0), 'unlocked');
    assert.equal(trayState(status(), 1), 'pending');
    assert.equal(trayIconFile('pending'), 'tray-pendingTemplate.png');
    assert.equal(trayIconFile('pending', 'win32'), 'tray-pending.png');
  });
});
