import type { PendingApprovals } from '../../core/node/broker/pending-approvals.js';
import { DisposableBase } from '../../core/common/lifecycle/disposable.js';
import { sendEvent } from '../ipc/handle.js';
import type { AppWindow } from '../windows/window-port.js';

/** What the popup needs. */
export interface ApprovalPopupDeps {
  readonly queue: PendingApprovals;
  /** Create the (hardened) popup window; see createAppWindow. */
  readonly createWindow: () => AppWindow;
  /** Where to put a window of this size (near the tray); undefined keeps the default. */
  readonly position?: (size: { width: number; height: number }) => { x: number; y: number } | undefined;
}

/**
 * The approval popup (issue 7): one window listing every pending approval, shown
 * without taking focus so keystrokes meant for another app never answer it; the user
 * clicks it to act. It closes itself when the queue empties.
 */
export class ApprovalPopup extends DisposableBase {
  private window: AppWindow | undefined;
  private ready = false;

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

  /** The open popup window, if any (tests and the e2e suite look at it). */
  get current(): AppWindow | undefined {
    return this.window && !this.window.isDestroyed() ? this.window : undefined;
  }

  private open(): void {
    const win = this.deps.createWindow();
    this.window = win;
    this.ready = false;
    win.once('ready-to-show', () => {
      this.ready = true;
      this.reveal();
    });
    win.once('closed', () => {
      if (this.window === win) this.window = undefined;
    });
  }

  private reveal(): void {
    const win = this.current;
    if (!win || !this.ready) return;
    const [width = 420, height = 360] = win.getSize();
    const at = this.deps.position?.({ width, height });
    if (at) win.setPosition(at.x, at.y);
    sendEvent(win.webContents, 'approvals:changed', this.deps.queue.list());
    // Security: showInactive, never show()/focus(): typing in another app must not answer the prompt.
    if (!win.isVisible()) win.showInactive();
  }

  private sync(): void {
    if (this.deps.queue.list().length === 0) this.closeWindow();
    else if (this.current) this.reveal();
  }

  private closeWindow(): void {
    const win = this.current;
    this.window = undefined;
    if (win) win.close();
  }
}
