import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ARM_DELAY_MS } from '../../../src/base/approval-arming.js';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { ApprovalNotArmedError } from '../../../src/main/approvals/approval-not-armed-error.js';
import { ApprovalPopup } from '../../../src/main/approvals/approval-popup.js';
import { createAppWindow, popupWindowOptions } from '../../../src/main/windows/create-app-window.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { fakeWindowFactory } from '../../mocks/electron.js';
import { ManualClock } from '../../mocks/manual-clock.js';

const req = (id: string): ApprovalRequest => ({
  id, client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'tool', tool: 'power-off-vm', argsPreview: '{}', changes: true }, createdAt: 0, expiresAt: 1,
});

/** A popup on a fake window with a clock the test moves; `ask` queues a request and records its answer. */
function setup() {
  const queue = new PendingApprovals();
  const { factory, windows } = fakeWindowFactory();
  const clock = new ManualClock();
  const popup = new ApprovalPopup({ queue, platform: 'linux', createWindow: () => createAppWindow(factory, 'popup', '/p.cjs', popupWindowOptions('linux')), now: () => clock.now() });
  const answers = new Map<string, ApprovalDecision>();
  const ask = (id: string) => void queue.request(req(id), new AbortController().signal).then((d) => answers.set(id, d));
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    queue, windows, popup, answers, ask, settle,
    advance: (ms: number) => clock.advance(ms),
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

  it('starts the time again when the request shown names another requester (Approver.retarget, Z3-renew)', async () => {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    s.windows[0]!.becomeReady();
    s.advance(ARM_DELAY_MS);
    assert.equal(s.queue.retarget('0000000a', { client: 'cursor', server: 'p6-two' }), true, 'the request was not renamed');
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'an allow right after the rename went through');
    s.advance(ARM_DELAY_MS);
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

  it('counts from the later of the page asking for the list (approvals:list) and the window coming on screen', () => {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    assert.deepEqual(s.popup.list().map((r) => r.id), ['0000000a']);
    s.advance(ARM_DELAY_MS);
    // The page had the request for the whole delay, but its window was not on screen yet.
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'rendered in a window not yet shown');
    s.windows[0]!.becomeReady();
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'just shown');
    s.advance(ARM_DELAY_MS);
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

describe('ApprovalPopup.answer: the window coming back on screen restarts the time, as the page re-arms (D184)', () => {
  /** A popup on screen with request 'a' shown long enough to be allowed. */
  function armed() {
    const s = setup();
    s.ask('0000000a');
    s.popup.show();
    s.windows[0]!.becomeReady();
    s.advance(10 * ARM_DELAY_MS);
    return { ...s, win: s.windows[0]! };
  }

  it('refuses every allow while the window is hidden, and one sooner than the delay after it is shown again', async () => {
    const s = armed();
    s.win.hide();
    s.advance(10 * ARM_DELAY_MS);
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'hidden: nothing is on screen, however long ago it was shown');
    s.win.show();
    s.advance(ARM_DELAY_MS - 1);
    assert.throws(() => s.popup.answer('0000000a', 'allow-ttl'), ApprovalNotArmedError, 'a click aimed elsewhere as the window reappears');
    assert.equal(s.queue.list().length, 1, 'still waiting for the person');
    s.advance(1);
    s.popup.answer('0000000a', 'allow-once');
    await s.settle();
    assert.equal(s.answers.get('0000000a'), 'allow-once', 'taken once the window has been back for the delay');
    s.dispose();
  });

  it('does the same for a window minimised and restored', () => {
    const s = armed();
    s.win.minimize();
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'minimised');
    s.advance(10 * ARM_DELAY_MS);
    s.win.restore();
    s.advance(ARM_DELAY_MS - 1);
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'just restored');
    s.advance(1);
    s.popup.answer('0000000a', 'allow-once');
    s.dispose();
  });

  it('Security: a page that lies cannot shorten it: asking for the list again, or allowing over and over, moves nothing', () => {
    const s = armed();
    s.win.hide();
    s.advance(ARM_DELAY_MS);
    s.win.showInactive();
    for (let i = 0; i < 5; i++) {
      // The page says nothing about visibility main would take; all it can send is list and decide.
      assert.deepEqual(s.popup.list().map((r) => r.id), ['0000000a']);
      assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, `attempt ${i}`);
      s.advance(ARM_DELAY_MS / 10);
    }
    s.advance(ARM_DELAY_MS / 2);
    s.popup.answer('0000000a', 'allow-once');
    s.dispose();
  });

  it('takes a deny from a hidden or just-restored window at once: refusing is always safe', async () => {
    const s = armed();
    s.win.minimize();
    s.popup.answer('0000000a', 'deny');
    await s.settle();
    assert.equal(s.answers.get('0000000a'), 'deny');
    s.dispose();
  });

  it('is no stricter than the page: focus and blur (the first click on the inactive popup) do not restart the time', () => {
    const s = armed();
    s.win.listeners.emit('blur');
    s.win.listeners.emit('focus');
    s.popup.answer('0000000a', 'allow-once');
    s.dispose();
  });

  it('starts the time, never earlier, for a window back on screen whose event never came; a minimised one stays refused', () => {
    const s = armed();
    s.win.hide();
    s.advance(10 * ARM_DELAY_MS);
    // Visible again without a 'show' event (a platform that sends none for it).
    s.win.visible = true;
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'first seen visible now');
    s.advance(ARM_DELAY_MS);
    s.ask('0000000b');
    s.popup.answer('0000000a', 'allow-once');
    assert.equal(s.popup.current, s.win, 'still open for b');
    s.win.minimize();
    // Windows reports a minimised window as visible (IsWindowVisible): it must not count as on screen.
    s.win.visible = true;
    s.advance(10 * ARM_DELAY_MS);
    for (let i = 0; i < 3; i++) {
      assert.throws(() => s.popup.answer('0000000b', 'allow-once'), ApprovalNotArmedError, `minimised but reported visible (${i})`);
      s.advance(ARM_DELAY_MS);
    }
    s.dispose();
  });

  it('keeps the time when the window says it is shown while already on screen (the page re-arms on a change of visibility only)', () => {
    const s = armed();
    s.win.listeners.emit('show');
    s.win.listeners.emit('restore');
    s.popup.answer('0000000a', 'allow-once');
    s.dispose();
  });

  it('forgets the last window\'s time on screen: a new window the page has listed but that is not shown yet allows nothing', () => {
    const s = armed();
    // Closed by the window manager ('closed' from the window) …
    s.win.close();
    s.popup.show();
    assert.deepEqual(s.popup.list().map((r) => r.id), ['0000000a'], 'the new page asks for the list before its window is shown');
    s.advance(ARM_DELAY_MS);
    assert.throws(() => s.popup.answer('0000000a', 'allow-once'), ApprovalNotArmedError, 'closed by the window manager: not on screen yet');
    s.windows[1]!.becomeReady();
    s.advance(ARM_DELAY_MS);
    // … or by the popup itself when the queue empties.
    s.ask('0000000b');
    s.popup.answer('0000000a', 'allow-once');
    s.popup.answer('0000000b', 'deny');
    assert.equal(s.popup.current, undefined, 'closed when nothing waits');
    s.ask('0000000c');
    s.popup.show();
    assert.deepEqual(s.popup.list().map((r) => r.id), ['0000000c']);
    s.advance(ARM_DELAY_MS);
    assert.throws(() => s.popup.answer('0000000c', 'allow-once'), ApprovalNotArmedError, 'closed by the popup: not on screen yet');
    s.dispose();
  });

  it('ignores the events of a window already closed and replaced', () => {
    const s = armed();
    const old = s.win;
    old.close();
    s.popup.show();
    s.windows[1]!.becomeReady();
    s.advance(ARM_DELAY_MS);
    // The old window's late 'minimize' must not touch the new one's time.
    old.listeners.emit('minimize');
    s.popup.answer('0000000a', 'allow-once');
    // Nor its late 'show' start the time of a new window not yet on screen.
    s.ask('0000000b');
    s.windows[1]!.close();
    s.popup.show();
    s.popup.list();
    s.windows[1]!.listeners.emit('show');
    s.advance(ARM_DELAY_MS);
    assert.throws(() => s.popup.answer('0000000b', 'allow-once'), ApprovalNotArmedError, 'the closed window was shown, not this one');
    s.dispose();
  });
});
