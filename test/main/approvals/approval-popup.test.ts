import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { ApprovalPopup, POPUP_MAX_HEIGHT, POPUP_MIN_HEIGHT } from '../../../src/main/approvals/approval-popup.js';
import type { Rect } from '../../../src/main/tray/popup-position.js';
import { trayDisplay } from '../../../src/main/tray/tray-display.js';
import { createAppWindow, popupWindowOptions } from '../../../src/main/windows/create-app-window.js';
import { FakeScreen, fakeWindowFactory } from '../../mocks/electron.js';

const req = (id: string): ApprovalRequest => ({
  id, client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'tool', tool: 'power-off-vm', argsPreview: '{}', changes: true }, createdAt: 0, expiresAt: 1,
});

/** Two displays side by side: a laptop (menu bar at y 0..25) and an external one to its right. */
const laptop = { bounds: { x: 0, y: 0, width: 1440, height: 900 }, workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const external = { bounds: { x: 1440, y: 0, width: 2560, height: 1440 }, workArea: { x: 1440, y: 25, width: 2560, height: 1415 } };

function setup(options: { platform?: NodeJS.Platform; tray?: Rect; screen?: FakeScreen } = {}) {
  const platform = options.platform ?? 'linux';
  const queue = new PendingApprovals();
  const { factory, windows } = fakeWindowFactory();
  const screen = options.screen ?? new FakeScreen([laptop]);
  const tray = options.tray ?? { x: 1000, y: 0, width: 22, height: 22 };
  const popup = new ApprovalPopup({
    queue, platform,
    createWindow: () => createAppWindow(factory, 'popup', '/p.cjs', popupWindowOptions(platform)),
    placement: () => trayDisplay(tray, screen),
  });
  return { queue, windows, popup, screen };
}

describe('ApprovalPopup', () => {
  it('shows inactive (never steals focus) once ready, under the tray icon, with the queue', () => {
    const { queue, windows, popup } = setup();
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    assert.equal(windows.length, 1);
    const w = windows[0]!;
    assert.equal(w.visible, false, 'not before ready-to-show');
    w.becomeReady();
    assert.equal(w.showInactiveCalls, 1);
    assert.equal(w.showCalls, 0);
    assert.deepEqual(w.position, [1011 - 210, 25 + 8]);
    const last = w.webContents.sent.at(-1);
    assert.equal(last?.channel, 'approvals:changed');
    assert.deepEqual((last?.args[0] as ApprovalRequest[]).map((r) => r.id), ['0000000a']);
    popup.dispose();
    queue.dispose();
  });

  it('adds later requests to the same window and closes when the queue empties', () => {
    const { queue, windows, popup } = setup();
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    windows[0]!.becomeReady();
    void queue.request(req('0000000b'), new AbortController().signal);
    popup.show();
    assert.equal(windows.length, 1);
    assert.deepEqual((windows[0]!.webContents.sent.at(-1)?.args[0] as ApprovalRequest[]).map((r) => r.id), ['0000000a', '0000000b']);
    queue.decide('0000000a', 'deny');
    assert.equal(windows[0]!.isDestroyed(), false);
    queue.decide('0000000b', 'allow-once');
    assert.equal(windows[0]!.isDestroyed(), true);
    popup.dispose();
    queue.dispose();
  });

  it('opens nothing when the queue is empty and closes its window on dispose', () => {
    const { queue, windows, popup } = setup();
    popup.show();
    assert.equal(windows.length, 0);
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    popup.dispose();
    assert.equal(windows[0]!.isDestroyed(), true);
    queue.dispose();
  });

  it('sizes itself to what the page asks, within its minimum, maximum and the display, staying under the tray', () => {
    const { queue, windows, popup } = setup();
    assert.equal(popup.fit(500), 0, 'no window, nothing applied');
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    const w = windows[0]!;
    assert.equal(popup.fit(512), 512);
    assert.deepEqual(w.contentSize, [420, 512]);
    assert.equal(popup.fit(5000), POPUP_MAX_HEIGHT);
    assert.equal(popup.fit(40), POPUP_MIN_HEIGHT);
    w.becomeReady();
    // The last asked height is kept when the window is revealed, and the position follows it.
    assert.deepEqual(w.contentSize, [420, POPUP_MIN_HEIGHT]);
    assert.deepEqual(w.position, [801, 33]);
    popup.dispose();
    queue.dispose();
  });

  it('never grows past a small display', () => {
    const small = { bounds: { x: 0, y: 0, width: 1024, height: 400 }, workArea: { x: 0, y: 25, width: 1024, height: 375 } };
    const { queue, popup } = setup({ screen: new FakeScreen([small]), tray: { x: 900, y: 0, width: 22, height: 22 } });
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    assert.equal(popup.fit(900), 375 - 16);
    popup.dispose();
    queue.dispose();
  });

  it('opens on the display that holds the tray icon, not the one under the pointer', () => {
    const screen = new FakeScreen([laptop, external]);
    screen.cursor = { x: 300, y: 500 }; // on the laptop
    const { queue, windows, popup } = setup({ screen, tray: { x: 3900, y: 0, width: 22, height: 22 } });
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    windows[0]!.becomeReady();
    const [x, y] = windows[0]!.position!;
    assert.ok(x >= external.workArea.x && x + 420 <= external.workArea.x + external.workArea.width, `x ${x} on the external display`);
    assert.equal(y, 33);
    assert.deepEqual(screen.nearestCalls.at(-1), { x: 3911, y: 11 });
    popup.dispose();
    queue.dispose();
  });

  it('on macOS joins every Space and shows over full-screen apps before it is first shown', () => {
    const { queue, windows, popup } = setup({ platform: 'darwin' });
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    const w = windows[0]!;
    assert.deepEqual(w.workspaceCalls, [{ visible: true, options: { visibleOnFullScreen: true, skipTransformProcessType: true } }]);
    assert.equal(w.options.type, 'panel');
    assert.equal(w.options.acceptFirstMouse, false);
    popup.dispose();
    queue.dispose();
  });

  it('leaves workspaces alone elsewhere and uses no macOS-only window type', () => {
    const { queue, windows, popup } = setup({ platform: 'linux' });
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    assert.deepEqual(windows[0]!.workspaceCalls, []);
    assert.equal(windows[0]!.options.type, undefined);
    popup.dispose();
    queue.dispose();
  });
});
