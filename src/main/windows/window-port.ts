import type { BrowserWindowConstructorOptions, HandlerDetails, VisibleOnAllWorkspacesOptions, WindowOpenHandlerResponse } from 'electron';

/** Minimal navigation event: the part of Electron's event a guard calls. */
export interface PreventableEvent {
  preventDefault(): void;
}

/**
 * The slice of `WebContents` our window code uses. Real WebContents satisfy it (checked
 * by tsc in main/app.ts); tests use the fake in test/mocks/electron.ts.
 */
export interface AppWebContents {
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: PreventableEvent, url: string) => void): unknown;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

/** The slice of `BrowserWindow` our window code uses. */
export interface AppWindow {
  readonly webContents: AppWebContents;
  loadURL(url: string): Promise<void>;
  show(): void;
  showInactive(): void;
  close(): void;
  isDestroyed(): boolean;
  isVisible(): boolean;
  /** Windows reports a minimised window as visible; this tells them apart. */
  isMinimized(): boolean;
  setPosition(x: number, y: number): void;
  getSize(): number[];
  /** `[width, height]` of the page area (the whole window when frameless). */
  getContentSize(): number[];
  setContentSize(width: number, height: number): void;
  /** macOS (and Linux) only in Electron; a no-op elsewhere. */
  setVisibleOnAllWorkspaces(visible: boolean, options?: VisibleOnAllWorkspacesOptions): void;
  once(event: 'closed' | 'ready-to-show', listener: () => void): unknown;
  /**
   * The window's own visibility events (Electron's BrowserWindow docs): shown (`show`, also
   * for `showInactive`), hidden (`hide`), minimised and restored from it. The approval popup
   * counts its arming time from them (D173), never from the page's word.
   */
  on(event: 'show' | 'hide' | 'minimize' | 'restore', listener: () => void): unknown;
}

/** Creates windows: `(o) => new BrowserWindow(o)` in the app, a recorder in tests. */
export type WindowFactory = (options: BrowserWindowConstructorOptions) => AppWindow;
