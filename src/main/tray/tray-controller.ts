import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { ApprovalRequest } from '../../base/contracts/approval.js';
import type { HostStatus } from '../../base/contracts/broker-status.js';
import type { Event } from '../../base/events/emitter.js';
import { DisposableBase, toDisposable } from '../../base/lifecycle/disposable.js';
import type { Rect } from './popup-position.js';
import { buildTrayMenu, type TrayAction } from './tray-menu-model.js';
import { trayIconFile, trayState, trayTitle, type TrayState } from './tray-state.js';
import { toMenuTemplate } from './to-menu-template.js';

/** The part of Electron's `Tray` we use. */
export interface TrayPort {
  setImage(image: string): void;
  setToolTip(toolTip: string): void;
  /** macOS only: text shown next to the icon in the menu bar. */
  setTitle(title: string): void;
  setContextMenu(menu: never): void;
  getBounds(): Rect;
  destroy(): void;
}

/** What the tray shows and does. */
export interface TrayControllerDeps {
  readonly tray: TrayPort;
  /** `Menu.buildFromTemplate`. */
  readonly buildMenu: (template: MenuItemConstructorOptions[]) => unknown;
  /** Folder of the tray icons (assets/). */
  readonly iconDir: string;
  readonly status: () => Promise<HostStatus>;
  readonly pending: () => readonly ApprovalRequest[];
  /** Events after which the menu is rebuilt (approvals, audit appends). */
  readonly changes: readonly Event<unknown>[];
  readonly startAtLogin: () => boolean;
  readonly onAction: (action: TrayAction) => void;
  /** Refresh period, so "unlocked until" labels follow expiries; tests pass 0 (off). */
  readonly refreshMs?: number;
  readonly formatTime?: (epochMs: number) => string;
  /** Picks template icons and the title count (macOS) or outlined colour icons; default: this OS. */
  readonly platform?: NodeJS.Platform;
}

/** The menu-bar icon (issue 7): icon by state, menu rebuilt from the host's status. */
export class TrayController extends DisposableBase {
  private state: TrayState | undefined;
  private title = '';
  private refreshing: Promise<void> | undefined;

  constructor(private readonly deps: TrayControllerDeps) {
    super();
    for (const ev of deps.changes) this.register(ev(() => void this.refresh()));
    const every = deps.refreshMs ?? 30_000;
    if (every > 0) {
      const timer = setInterval(() => void this.refresh(), every);
      timer.unref?.();
      this.register(toDisposable(() => clearInterval(timer)));
    }
    this.register(toDisposable(() => deps.tray.destroy()));
  }

  private get platform(): NodeJS.Platform {
    return this.deps.platform ?? process.platform;
  }

  /** The state the icon shows now (undefined before the first refresh). */
  get currentState(): TrayState | undefined {
    return this.state;
  }

  /** Rebuild icon, tooltip and menu; concurrent calls share one rebuild. */
  refresh(): Promise<void> {
    this.refreshing ??= this.rebuild().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async rebuild(): Promise<void> {
    const status = await this.deps.status();
    if (this.isDisposed) return;
    const pending = this.deps.pending();
    const state = trayState(status, pending.length);
    if (state !== this.state) {
      this.state = state;
      this.deps.tray.setImage(path.join(this.deps.iconDir, trayIconFile(state, this.platform)));
    }
    // macOS: the count of waiting approvals beside the icon, so "how many" needs no click.
    const title = this.platform === 'darwin' ? trayTitle(pending.length) : '';
    if (title !== this.title) {
      this.title = title;
      this.deps.tray.setTitle(title);
    }
    this.deps.tray.setToolTip(`KeyBroker: ${state === 'pending' ? `${pending.length} approval(s) waiting` : state}`);
    const formatTime = this.deps.formatTime ?? ((ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    const model = buildTrayMenu(status, pending, { startAtLogin: this.deps.startAtLogin(), formatTime });
    this.deps.tray.setContextMenu(this.deps.buildMenu(toMenuTemplate(model, this.deps.onAction)) as never);
  }
}
