import { DisposableBase } from '../../base/lifecycle/disposable.js';
import type { IpcEvent, IpcEventPayload } from '../../base/contracts/ipc-channels.js';
import { sendEvent } from '../ipc/handle.js';
import { pageUrl } from './create-app-window.js';
import type { AppWindow } from './window-port.js';

/** The one settings window: opened from the tray, reused while open. */
export class SettingsWindow extends DisposableBase {
  private window: AppWindow | undefined;

  /** `createWindow(section)` makes the hardened window showing that section. */
  constructor(private readonly createWindow: (section?: string) => AppWindow) {
    super();
    this.register({ dispose: () => this.window?.close() });
  }

  /** Open (or bring forward) the settings window, on `section` (e.g. 'audit') when given. */
  open(section?: string): void {
    if (this.isDisposed) return;
    const current = this.current;
    if (current) {
      // A load from main is not a page navigation, so the will-navigate guard does not apply.
      if (section) void current.loadURL(pageUrl('settings', section)).catch(() => undefined);
      current.show();
      return;
    }
    const win = this.createWindow(section);
    this.window = win;
    // The user asked for this window from the menu, so it may take focus.
    win.once('ready-to-show', () => win.show());
    win.once('closed', () => {
      if (this.window === win) this.window = undefined;
    });
  }

  /** The open window, if any. */
  get current(): AppWindow | undefined {
    return this.window && !this.window.isDestroyed() ? this.window : undefined;
  }

  /** Send an event to the window when it is open. */
  send<E extends IpcEvent>(event: E, payload: IpcEventPayload<E>): void {
    const win = this.current;
    if (win) sendEvent(win.webContents, event, payload);
  }
}
