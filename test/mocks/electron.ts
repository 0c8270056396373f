// Fakes of the Electron APIs main-side code uses (STYLE.md §12): main logic runs and is
// tested without an Electron binary. Each fake records what it was asked to do.
import { PassThrough } from 'node:stream';
import type { BrowserWindowConstructorOptions, ForkOptions, HandlerDetails, VisibleOnAllWorkspacesOptions, WindowOpenHandlerResponse } from 'electron';
import type { AppWindow, PreventableEvent } from '../../src/main/windows/window-port.js';

type AnyListener = (...args: never[]) => unknown;

/** A minimal on/once/emit implementation shared by the fakes. */
class Listeners {
  private readonly map = new Map<string, { fn: AnyListener; once: boolean }[]>();
  on(event: string, fn: AnyListener, once = false): void {
    const list = this.map.get(event) ?? [];
    list.push({ fn, once });
    this.map.set(event, list);
  }
  off(event: string, fn: AnyListener): void {
    this.map.set(event, (this.map.get(event) ?? []).filter((l) => l.fn !== fn));
  }
  emit(event: string, ...args: unknown[]): void {
    const list = this.map.get(event) ?? [];
    this.map.set(event, list.filter((l) => !l.once));
    for (const l of list) (l.fn as (...a: unknown[]) => unknown)(...args);
  }
  count(event?: string): number {
    if (event) return this.map.get(event)?.length ?? 0;
    return [...this.map.values()].reduce((n, l) => n + l.length, 0);
  }
}

/** A navigation event whose preventDefault is observable. */
export class FakeEvent implements PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** `ipcMain`: records handlers; `invoke` plays a renderer calling from `senderUrl`. */
export class FakeIpcMain {
  readonly handlers = new Map<string, (event: { senderFrame: { url: string; parent?: unknown } | null }, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: { senderFrame: { url: string; parent?: unknown } | null }, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Invoke `channel` as a frame showing `senderUrl` (null: a destroyed frame), inside `parent` when given (a subframe). */
  async invoke(channel: string, payload: unknown, senderUrl: string | null = 'app://keybroker/settings.html', parent: { url: string } | null = null): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h({ senderFrame: senderUrl === null ? null : { url: senderUrl, parent } }, payload);
  }
}

/** `webContents` of a fake window. */
export class FakeWebContents {
  readonly listeners = new Listeners();
  readonly sent: { channel: string; args: unknown[] }[] = [];
  openHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;
  destroyed = false;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.openHandler = handler;
  }
  on(event: string, listener: (event: PreventableEvent, url: string) => void): this {
    this.listeners.on(event, listener);
    return this;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Play a navigation attempt; returns whether it was blocked. */
  tryNavigate(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    const e = new FakeEvent();
    this.listeners.emit(event, e, url);
    return e.defaultPrevented;
  }
}

/** A BrowserWindow that records its options and what was done to it. */
export class FakeBrowserWindow implements AppWindow {
  readonly webContents = new FakeWebContents();
  readonly listeners = new Listeners();
  loadedUrl: string | undefined;
  visible = false;
  destroyed = false;
  showCalls = 0;
  showInactiveCalls = 0;
  position: [number, number] | undefined;
  contentSize: [number, number];
  /** Every setVisibleOnAllWorkspaces call, in order. */
  readonly workspaceCalls: { visible: boolean; options: VisibleOnAllWorkspacesOptions | undefined }[] = [];
  constructor(readonly options: BrowserWindowConstructorOptions) {
    this.contentSize = [Number(options.width ?? 800), Number(options.height ?? 600)];
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
  }
  minimized = false;
  show(): void {
    this.showCalls++;
    this.becomeVisible();
  }
  showInactive(): void {
    this.showInactiveCalls++;
    this.becomeVisible();
  }
  /** Hide it, as `win.hide()` or the OS hiding the app (macOS Cmd-H) does: 'hide' fires. */
  hide(): void {
    if (!this.visible) return;
    this.visible = false;
    this.listeners.emit('hide');
  }
  /** Minimise it (a window manager may, even with `minimizable: false`): 'minimize' fires. */
  minimize(): void {
    if (this.minimized) return;
    this.minimized = true;
    this.visible = false;
    this.listeners.emit('minimize');
  }
  /** Restore it from minimised: 'restore' fires. */
  restore(): void {
    if (!this.minimized) return;
    this.minimized = false;
    this.visible = true;
    this.listeners.emit('restore');
  }
  private becomeVisible(): void {
    if (this.visible) return;
    this.visible = true;
    this.listeners.emit('show');
  }
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.listeners.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  setPosition(x: number, y: number): void {
    this.position = [x, y];
  }
  getSize(): number[] {
    // Frameless in our use: the window is its content.
    return [...this.contentSize];
  }
  getContentSize(): number[] {
    return [...this.contentSize];
  }
  setContentSize(width: number, height: number): void {
    this.contentSize = [width, height];
  }
  setVisibleOnAllWorkspaces(visible: boolean, options?: VisibleOnAllWorkspacesOptions): void {
    this.workspaceCalls.push({ visible, options });
  }
  once(event: string, listener: () => void): this {
    this.listeners.on(event, listener, true);
    return this;
  }
  on(event: string, listener: () => void): this {
    this.listeners.on(event, listener);
    return this;
  }
  /** Fire 'ready-to-show' as Chromium does after the first paint. */
  becomeReady(): void {
    this.listeners.emit('ready-to-show');
  }
}

/** A window factory that keeps every window it created, for security assertions. */
export function fakeWindowFactory(): { factory: (o: BrowserWindowConstructorOptions) => FakeBrowserWindow; windows: FakeBrowserWindow[] } {
  const windows: FakeBrowserWindow[] = [];
  return {
    windows,
    factory: (o) => {
      const w = new FakeBrowserWindow(o);
      windows.push(w);
      return w;
    },
  };
}

/** A display as `screen` reports it. */
export interface FakeDisplay {
  readonly bounds: { x: number; y: number; width: number; height: number };
  readonly workArea: { x: number; y: number; width: number; height: number };
}

/** `screen`: displays side by side; the nearest display is the one containing the point, else the closest. */
export class FakeScreen {
  cursor = { x: 0, y: 0 };
  readonly nearestCalls: { x: number; y: number }[] = [];
  constructor(readonly displays: readonly FakeDisplay[]) {}
  getCursorScreenPoint(): { x: number; y: number } {
    return { ...this.cursor };
  }
  getDisplayNearestPoint(point: { x: number; y: number }): FakeDisplay {
    this.nearestCalls.push(point);
    const distance = (d: FakeDisplay) => {
      const dx = Math.max(d.bounds.x - point.x, 0, point.x - (d.bounds.x + d.bounds.width - 1));
      const dy = Math.max(d.bounds.y - point.y, 0, point.y - (d.bounds.y + d.bounds.height - 1));
      return dx * dx + dy * dy;
    };
    return [...this.displays].sort((a, b) => distance(a) - distance(b))[0]!;
  }
}

/** `systemPreferences` Touch ID part: `answer` decides what the prompt does. */
export class FakeSystemPreferences {
  readonly reasons: string[] = [];
  constructor(public canPrompt = true, public answer: 'approve' | 'cancel' | 'never' = 'approve') {}
  canPromptTouchID(): boolean {
    return this.canPrompt;
  }
  promptTouchID(reason: string): Promise<void> {
    this.reasons.push(reason);
    if (this.answer === 'approve') return Promise.resolve();
    if (this.answer === 'cancel') return Promise.reject(new Error('Touch ID cancelled'));
    return new Promise<void>(() => undefined);
  }
}

/** `protocol` of a session: `fetch` plays a request through the registered handler. */
export class FakeProtocol {
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }
  async fetch(url: string): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const h = this.handlers.get(scheme);
    if (!h) throw new Error(`no handler for ${scheme}`);
    return h(new Request(url));
  }
}

/** `powerMonitor`. */
export class FakePowerMonitor {
  readonly listeners = new Listeners();
  on(event: string, listener: () => void): this {
    this.listeners.on(event, listener);
    return this;
  }
  removeListener(event: string, listener: () => void): this {
    this.listeners.off(event, listener);
    return this;
  }
  emit(event: string): void {
    this.listeners.emit(event);
  }
  listenerCount(event?: string): number {
    return this.listeners.count(event);
  }
}

/** A utilityProcess child: `parentPort` messages in both directions. */
export class FakeUtilityProcess {
  readonly listeners = new Listeners();
  readonly posted: unknown[] = [];
  readonly killed: string[] = [];
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  pid: number | undefined = 4242;
  alive = true;
  constructor(readonly modulePath: string, readonly args: readonly string[], readonly options: ForkOptions) {}
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  on(event: string, listener: AnyListener): this {
    this.listeners.on(event, listener);
    return this;
  }
  once(event: string, listener: AnyListener): this {
    this.listeners.on(event, listener, true);
    return this;
  }
  removeListener(event: string, listener: AnyListener): this {
    this.listeners.off(event, listener);
    return this;
  }
  kill(): boolean {
    this.killed.push('kill');
    return true;
  }
  /** The child posts a message to its parentPort. */
  childSends(message: unknown): void {
    this.listeners.emit('message', message);
  }
  /** The child exits with `code`. */
  exit(code: number): void {
    this.alive = false;
    this.pid = undefined;
    this.listeners.emit('exit', code);
  }
}

/** `utilityProcess`: records every fork. */
export class FakeUtilityProcessModule {
  readonly forks: FakeUtilityProcess[] = [];
  fork(modulePath: string, args: string[] = [], options: ForkOptions = {}): FakeUtilityProcess {
    const p = new FakeUtilityProcess(modulePath, args, options);
    this.forks.push(p);
    return p;
  }
}
