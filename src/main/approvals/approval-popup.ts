import { ARM_DELAY_MS, approvalArmKey } from '../../base/approval-arming.js';
import type { ApprovalDecision, ApprovalRequest } from '../../base/contracts/approval.js';
import type { PendingApprovals } from '../../platform/approvals/pending-approvals.js';
import { DisposableBase } from '../../base/lifecycle/disposable.js';
import { sendEvent } from '../ipc/handle.js';
import { popupPosition } from '../tray/popup-position.js';
import { ApprovalNotArmedError } from './approval-not-armed-error.js';
import type { PopupPlacement } from '../tray/tray-display.js';
import type { AppWindow } from '../windows/window-port.js';

/** The popup never gets shorter than this (CSS pixels): room for a title and the buttons. */
export const POPUP_MIN_HEIGHT = 200;
/** Nor taller than this; past it the middle scrolls and the page says there is more. */
export const POPUP_MAX_HEIGHT = 640;
/** Space kept between the popup and the work area's edges. */
const MARGIN = 8;

/** What the popup needs. */
export interface ApprovalPopupDeps {
  readonly queue: PendingApprovals;
  /** Create the (hardened) popup window; see createAppWindow and popupWindowOptions. */
  readonly createWindow: () => AppWindow;
  /** `process.platform`: macOS gets the full-screen and all-Spaces behaviour. */
  readonly platform: NodeJS.Platform;
  /** The tray icon and the work area of its display (trayDisplay); undefined keeps the default place. */
  readonly placement?: () => PopupPlacement;
  /** A monotonic clock in ms (default `performance.now`): when the page was given a request. */
  readonly now?: () => number;
}

/**
 * The approval popup (issues 7, 11): one window listing every pending approval, shown
 * without taking focus so keystrokes meant for another app never answer it; the user
 * clicks it to act. It opens on the display of the tray icon, over full-screen apps on
 * macOS, sizes itself to its content within POPUP_MAX_HEIGHT, and closes itself when the
 * queue empties.
 */
export class ApprovalPopup extends DisposableBase {
  private window: AppWindow | undefined;
  private ready = false;
  /** What the page last asked for; reapplied when the window reopens. */
  private wantedHeight: number | undefined;
  /** The request the page shows (the queue's first, as last given to it) and since when. */
  private head: { readonly id: string; readonly key: string; readonly since: number } | undefined;
  /** Since when the window has been on screen without a break (its own events); undefined while it is not. */
  private visibleSince: number | undefined;

  constructor(private readonly deps: ApprovalPopupDeps) {
    super();
    this.register(deps.queue.onDidChange(() => this.sync()));
    this.register({ dispose: () => this.closeWindow() });
  }

  /** Show the popup with the current queue (no-op when nothing waits). */
  show(): void {
    if (this.isDisposed || this.deps.queue.list().length === 0) return;
    if (!this.window || this.window.isDestroyed()) this.open();
    else this.reveal();
  }

  /** The queue as the page gets it (`approvals:list`): its first request is the one on screen. */
  list(): ApprovalRequest[] {
    const list = this.deps.queue.list();
    this.noteHead(list);
    return list;
  }

  /**
   * The page's answer (`approvals:decide`), passed on to the queue.
   *
   * Security: an allow is refused for anything but the request the page has shown for at
   * least ARM_DELAY_MS (issue 11, D173), counted from the later of the moment the page was
   * given it and the moment the window last came on screen (shown, or restored after being
   * hidden or minimised; the window's own events, not the page's word). The page's
   * ArmingGate re-arms the same way, so a person does not meet this; it holds when the page
   * does not (a regression, a compromised renderer that lies or hurries): a double-click, a
   * click aimed elsewhere as the window reappears, or a scripted click cannot approve what
   * was not on screen. A deny is never held back: refusing is always safe.
   *
   * @throws ApprovalNotArmedError; ApprovalNotFoundError from the queue
   */
  answer(id: string, decision: ApprovalDecision): void {
    if (decision !== 'deny' && !this.isArmed(id)) throw new ApprovalNotArmedError();
    this.deps.queue.decide(id, decision);
  }

  /** The open popup window, if any (tests and the e2e suite look at it). */
  get current(): AppWindow | undefined {
    return this.window && !this.window.isDestroyed() ? this.window : undefined;
  }

  /**
   * Size the popup to `height` (its content, from the page through `popup:fit`), clamped to
   * [POPUP_MIN_HEIGHT, POPUP_MAX_HEIGHT] and the display, and keep it next to the tray.
   * Returns the height applied; 0 when no popup is open.
   */
  fit(height: number): number {
    this.wantedHeight = height;
    const win = this.current;
    if (!win) return 0;
    const placement = this.deps.placement?.();
    const [width = 420] = win.getContentSize();
    const room = placement ? placement.workArea.height - 2 * MARGIN : POPUP_MAX_HEIGHT;
    const applied = Math.max(Math.min(POPUP_MIN_HEIGHT, room), Math.min(Math.round(height), POPUP_MAX_HEIGHT, room));
    win.setContentSize(width, applied);
    this.place(win, placement);
    return applied;
  }

  private open(): void {
    const win = this.deps.createWindow();
    this.window = win;
    this.ready = false;
    if (this.deps.platform === 'darwin') {
      // Over full-screen apps and on every Space: an approval the user cannot see is one they
      // cannot answer. The app is a UIElement (dock hidden), so no process-type transform.
      win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true, skipTransformProcessType: true });
    }
    win.once('ready-to-show', () => {
      this.ready = true;
      this.reveal();
    });
    win.once('closed', () => {
      if (this.window !== win) return;
      this.window = undefined;
      this.wantedHeight = undefined;
      this.head = undefined;
      this.visibleSince = undefined;
    });
    // Security: the arming time restarts whenever the window comes back on screen (D173,
    // D184). Focus and blur are left out on purpose: they do not change what is on
    // screen, and the page does not re-arm on them (the first click on the inactive popup
    // focuses it; refusing that click would refuse every first click on Linux and Windows).
    win.on('show', () => this.noteVisible(win));
    win.on('restore', () => this.noteVisible(win));
    win.on('hide', () => this.noteHidden(win));
    win.on('minimize', () => this.noteHidden(win));
  }

  /** An allow of `id` may go through: it is the request shown, on a window on screen, for ARM_DELAY_MS. */
  private isArmed(id: string): boolean {
    const head = this.head;
    if (head === undefined || head.id !== id) return false;
    // A window on screen whose coming back sent no event we know: its time starts now, never earlier.
    const win = this.current;
    if (this.visibleSince === undefined && win !== undefined && win.isVisible() && !win.isMinimized()) this.visibleSince = this.now();
    if (this.visibleSince === undefined) return false;
    return this.now() - Math.max(head.since, this.visibleSince) >= ARM_DELAY_MS;
  }

  private noteVisible(win: AppWindow): void {
    if (this.window === win) this.visibleSince ??= this.now();
  }

  private noteHidden(win: AppWindow): void {
    if (this.window === win) this.visibleSince = undefined;
  }

  private reveal(): void {
    const win = this.current;
    if (!win || !this.ready) return;
    if (this.wantedHeight !== undefined) this.fit(this.wantedHeight);
    else this.place(win, this.deps.placement?.());
    sendEvent(win.webContents, 'approvals:changed', this.list());
    // Security: showInactive, never show()/focus(): typing in another app must not answer the prompt.
    if (!win.isVisible()) {
      win.showInactive();
      // Its 'show' event says the same; this covers a platform that does not send it for showInactive.
      this.noteVisible(win);
    }
  }

  private place(win: AppWindow, placement: PopupPlacement | undefined): void {
    if (!placement) return;
    const [width = 420, height = 360] = win.getContentSize();
    const at = popupPosition(placement.tray, { width, height }, placement.workArea, MARGIN);
    win.setPosition(at.x, at.y);
  }

  private sync(): void {
    if (this.deps.queue.list().length === 0) this.closeWindow();
    else if (this.current) this.reveal();
  }

  /**
   * A new first request starts its time on screen again; the same one keeps it (as the page's
   * gate). Security: so does the same request naming another requester (approvalArmKey).
   */
  private noteHead(list: readonly ApprovalRequest[]): void {
    const first = list[0];
    if (first === undefined) this.head = undefined;
    else if (this.head?.key !== approvalArmKey(first)) this.head = { id: first.id, key: approvalArmKey(first), since: this.now() };
  }

  private now(): number {
    return (this.deps.now ?? (() => performance.now()))();
  }

  private closeWindow(): void {
    const win = this.current;
    this.window = undefined;
    this.head = undefined;
    this.visibleSince = undefined;
    if (win) win.close();
  }
}
