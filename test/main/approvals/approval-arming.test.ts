import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ARM_DELAY_MS } from '../../../src/base/approval-arming.js';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { ApprovalNotArmedError } from '../../../src/main/approvals/approval-not-armed-error.js';
import { ApprovalPopup } from '../../../src/main/approvals/approval-popup.js';
import { createAppWindow, popupWindowOptions } from '../../../src/main/windows/create-app-window.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { fakeWindowFactory } from '../../mocks/electron.js';

const req = (id: string): ApprovalRequest => ({
  id, client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'tool', tool: 'power-off-vm', argsPreview: '{}', changes: true }, createdAt: 0, expiresAt: 1,
});

/** A popup on a fake window with a clock the test moves; `ask` queues a request and records its answer. */
function setup() {
  const queue = new PendingApprovals();
  const { factory, windows } = fakeWindowFactory();
  let t = 1_000;
  const popup = new ApprovalPopup({ queue, platform: 'linux', createWindow: () => createAppWindow(factory, 'popup', '/p.cjs', popupWindowOptions('linux')), now: () => t });
  const answers = new Map<string, ApprovalDecision>();
  const ask = (id: string) => void queue.request(req(id), new AbortController().signal).then((d) => answers.set(id, d));
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    queue, windows, popup, answers, ask, settle,
    advance: (ms: number) => { t += ms; },
    dispose: () => { popup.dispose(); queue.dispose(); },
  };
}

describe('ApprovalPopup.answer: main holds an allow the page sent before its request was readable (D173)', () => {
  it('refuses an allow sent sooner than the arming delay after the request reached the page, and takes it after', async () => {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    s.windows[0]!.becomeReady();
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError);
    s.advance(ARM_DELAY_MS - 1);
    assert.throws(() => s.popup.answer('0000000a', 'allow-ttl'), (e: unknown) => e instanceof ApprovalNotArmedError && /read it, then click again/.test(e.message));
    assert.equal(s.queue.list().length, 1, 'still waiting for the person');
    s.advance(1);
    s.popup.answer('0000000a', 'allow-once');
    await s.settle();
    assert.equal(s.answers.get('0000000a'), 'allow-once');
    s.dispose();
  });

  it('takes a deny at once: refusing is always safe', async () => {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    s.windows[0]!.becomeReady();
    s.popup.answer('0000000a', 'deny');
    await s.settle();
    assert.equal(s.answers.get('0000000a'), 'deny');
    s.dispose();
  });

  it('refuses an allow of a request the page has not shown: one behind the first, or any before the window is ready', () => {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'not ready: nothing on screen');
    s.windows[0]!.becomeReady();
    s.ask('0000000b');
    s.advance(10 * ARM_DELAY_MS);
    assert.throws(() => s.popup.answer('0000000b', 'allow-once'), ApprovalNotArmedError, 'listed under "Also waiting", not the one shown');
    s.dispose();
  });

  it('starts the time again for the request that replaces the one answered (a double-click lands on it), not for new ones queued behind', async () => {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    s.windows[0]!.becomeReady();
    s.advance(ARM_DELAY_MS);
    s.ask('0000000b');
    s.advance(ARM_DELAY_MS);
    // A flood of new requests behind the first does not hold it disarmed.
    for (let i = 0; i < 5; i++) s.ask(`0000001${i}`);
    s.popup.answer('0000000a', 'allow-once');
    await s.settle();
    // 'b' waited long in the queue, but it only now reached the screen: the second click is held.
    assert.throws(() => s.popup.answer('0000000b', 'allow-once'), ApprovalNotArmedError);
    s.advance(ARM_DELAY_MS);
    s.popup.answer('0000000b', 'allow-once');
    await s.settle();
    assert.equal(s.answers.get('0000000b'), 'allow-once');
    s.dispose();
  });

  it('starts again when the popup window was closed and opens anew', () => {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    s.windows[0]!.becomeReady();
    s.advance(ARM_DELAY_MS);
    s.windows[0]!.close();
    s.popup.show();
    s.windows[1]!.becomeReady();
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError);
    s.dispose();
  });

  it('counts from the page asking for the list (approvals:list) when that comes first', () => {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    assert.deepEqual(s.popup.list().map((r) => r.id), ['0000000a']);
    s.advance(ARM_DELAY_MS);
    s.windows[0]!.becomeReady();
    s.popup.answer('0000000a', 'allow-once');
    s.dispose();
  });

  it('holds an allow with its default clock too (no clock given, as in the app)', () => {
    const queue = new PendingApprovals();
    const { factory, windows } = fakeWindowFactory();
    const popup = new ApprovalPopup({ queue, platform: 'linux', createWindow: () => createAppWindow(factory, 'popup', '/p.cjs', popupWindowOptions('linux')) });
    void queue.request(req('0000000a'), new AbortController().signal);
    popup.show();
    windows[0]!.becomeReady();
    // Within the same synchronous turn: far less than ARM_DELAY_MS can have passed.
    assert.throws(() => popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError);
    popup.dispose();
    queue.dispose();
  });

  it('gives the page an empty list, and holds every allow, while nothing waits', () => {
    const s = setup();
    assert.deepEqual(s.popup.list(), []);
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError);
    s.dispose();
  });
});
