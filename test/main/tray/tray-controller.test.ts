import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import type { HostStatus } from '../../../src/base/contracts/broker-status.js';
import { Emitter } from '../../../src/base/events/emitter.js';
import { TrayController } from '../../../src/main/tray/tray-controller.js';
import type { TrayAction } from '../../../src/main/tray/tray-menu-model.js';

class FakeTray {
  images: string[] = [];
  tooltip = '';
  menu: MenuItemConstructorOptions[] = [];
  destroyed = false;
  setImage(i: string) {
    this.images.push(i);
  }
  setToolTip(t: string) {
    this.tooltip = t;
  }
  titles: string[] = [];
  setTitle(t: string) {
    this.titles.push(t);
  }
  setContextMenu(m: never) {
    this.menu = m;
  }
  getBounds() {
    return { x: 0, y: 0, width: 22, height: 22 };
  }
  destroy() {
    this.destroyed = true;
  }
}

const status: HostStatus = { host: { running: true, home: '/h' }, endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'u', credential: 'endpoint:vc1', readOnly: false, lock: 'locked' }], children: [], pendingApprovals: 0 };

describe('TrayController', () => {
  it('sets the icon by state, rebuilds on change, routes clicks, and cleans up', async () => {
    const tray = new FakeTray();
    const change = new Emitter<unknown>();
    let current = status;
    const actions: TrayAction[] = [];
    const c = new TrayController({
      tray, buildMenu: (t) => t, iconDir: '/assets', status: async () => current, pending: () => [], changes: [change.event],
      startAtLogin: () => false, onAction: (a) => actions.push(a), refreshMs: 0, platform: 'darwin',
    });
    await c.refresh();
    assert.deepEqual(tray.images, ['/assets/tray-lockedTemplate.png']);
    current = { ...status, endpoints: [{ ...status.endpoints[0]!, lock: 'unlocked', unlockedUntil: 0 }] };
    change.fire(undefined);
    await c.refresh();
    assert.equal(tray.images.at(-1), '/assets/tray-unlockedTemplate.png');
    assert.equal(tray.tooltip, 'KeyBroker: unlocked');
    const lockAll = tray.menu.find((m) => m.label === 'Lock all');
    lockAll?.click?.({} as never, undefined as never, {} as never);
    assert.deepEqual(actions, [{ kind: 'lock-all' }]);
    c.dispose();
    assert.equal(tray.destroyed, true);
    assert.equal(change.hasListeners(), false);
  });

  it('macOS: shows the number of waiting approvals next to the icon, and clears it after', async () => {
    const tray = new FakeTray();
    let pending = 2;
    const c = new TrayController({
      tray, buildMenu: (t) => t, iconDir: '/assets', status: async () => status, pending: () => Array.from({ length: pending }, (_, i) => ({ id: `a${i}` }) as never), changes: [],
      startAtLogin: () => false, onAction: () => undefined, refreshMs: 0, platform: 'darwin',
    });
    await c.refresh();
    assert.equal(tray.images.at(-1), '/assets/tray-pendingTemplate.png');
    assert.deepEqual(tray.titles, ['2']);
    pending = 0;
    await c.refresh();
    assert.deepEqual(tray.titles, ['2', '']);
    c.dispose();
  });

  it('Windows and Linux: outlined colour icons (no template), and no title', async () => {
    for (const platform of ['win32', 'linux'] as const) {
      const tray = new FakeTray();
      const c = new TrayController({
        tray, buildMenu: (t) => t, iconDir: '/assets', status: async () => status, pending: () => [{ id: 'a' } as never], changes: [],
        startAtLogin: () => false, onAction: () => undefined, refreshMs: 0, platform,
      });
      await c.refresh();
      assert.deepEqual(tray.images, ['/assets/tray-pending.png']);
      assert.deepEqual(tray.titles, []);
      c.dispose();
    }
  });
});
