import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/core/common/contracts/approval.js';
import { PendingApprovals } from '../../../src/core/node/broker/pending-approvals.js';
import { ApprovalPopup } from '../../../src/main/approvals/approval-popup.js';
import { createAppWindow, POPUP_WINDOW_OPTIONS } from '../../../src/main/windows/create-app-window.js';
import { fakeWindowFactory } from '../../mocks/electron.js';

const req = (id: string): ApprovalRequest => ({
  id, client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'tool', tool: 'power-off-vm', argsPreview: '{}', changes: true }, createdAt: 0, expiresAt: 1,
});

function setup() {
  const queue = new PendingApprovals();
  const { factory, windows } = fakeWindowFactory();
  const popup = new ApprovalPopup({ queue, createWindow: () => createAppWindow(factory, 'popup', '/p.cjs', POPUP_WINDOW_OPTIONS), position: () => ({ x: 10, y: 20 }) });
  return { queue, windows, popup };
}

describe('ApprovalPopup', () => {
  it('shows inactive (never steals focus) once ready, near the tray, with the queue', () => {
    const { queue, windows, popup } = setup();
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    assert.equal(windows.length, 1);
    const w = windows[0]!;
    assert.equal(w.visible, false, 'not before ready-to-show');
    w.becomeReady();
    assert.equal(w.showInactiveCalls, 1);
    assert.equal(w.showCalls, 0);
    assert.deepEqual(w.position, [10, 20]);
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
});
