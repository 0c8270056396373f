import type { BrowserWindowConstructorOptions } from 'electron';
import { appUrl } from './app-protocol.js';
import { secureWebPreferences } from './secure-web-preferences.js';
import type { AppWebContents, AppWindow, WindowFactory } from './window-port.js';

/** Our pages, each `dist/renderer/<page>.html`. */
export type AppPage = 'popup' | 'settings';

/** Window options a caller may set; never webPreferences (those are fixed). */
export type AppWindowOptions = Omit<BrowserWindowConstructorOptions, 'webPreferences'>;

/** The preload script, and whether DevTools may open (development builds only). */
export interface AppWindowWeb {
  readonly preload: string;
  readonly devTools: boolean;
}

/**
 * Create a hardened window showing one of our pages. Every BrowserWindow of the app is
 * made here, so the security options cannot be forgotten on one of them. `web` as a bare
 * preload path means DevTools off.
 */
export function createAppWindow(factory: WindowFactory, page: AppPage, web: string | AppWindowWeb, options: AppWindowOptions, section?: string): AppWindow {
  const { preload, devTools } = typeof web === 'string' ? { preload: web, devTools: false } : web;
  const win = factory({ ...options, show: false, webPreferences: secureWebPreferences(preload, devTools) });
  hardenWebContents(win.webContents);
  void win.loadURL(pageUrl(page, section)).catch(() => undefined);
  return win;
}

/** `app://keybroker/settings.html#audit`: the page, and the section its hash selects. */
export function pageUrl(page: AppPage, section?: string): string {
  return appUrl(`${page}.html${section && /^[a-z]+$/.test(section) ? `#${section}` : ''}`);
}

/** Block navigation, redirects, webviews and window.open (Electron security checklist §13–15). */
export function hardenWebContents(contents: AppWebContents): void {
  // Security: our pages never navigate; a link or injected script must not take the window elsewhere.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  // Security: no <webview> and no new windows, whatever the page asks for.
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The approval popup: small, frameless, on top, shown without taking focus (every platform). */
export const POPUP_WINDOW_OPTIONS: AppWindowOptions = {
  width: 420,
  height: 360,
  useContentSize: true,
  frame: false,
  resizable: false,
  movable: true,
  minimizable: false,
  maximizable: false,
  fullscreenable: false,
  skipTaskbar: true,
  alwaysOnTop: true,
  // Focusable on purpose: Tab, Enter and Esc must work once the user clicks in. It never
  // takes focus by itself (ApprovalPopup shows it with showInactive).
  focusable: true,
  title: 'KeyBroker approval',
  backgroundColor: '#f6f6f6',
};

/**
 * The popup's options on `platform` (issue 11). On macOS it is a panel (an NSPanel that does
 * not activate the app and floats over full-screen apps), and `acceptFirstMouse` is false on
 * purpose: the click that makes the inactive panel key does not also press a button, so a
 * click aimed at the app underneath when the popup appeared cannot approve anything
 * (docs/DECISIONS.md, "The approval popup cannot be clicked through").
 */
export function popupWindowOptions(platform: NodeJS.Platform): AppWindowOptions {
  if (platform !== 'darwin') return POPUP_WINDOW_OPTIONS;
  return { ...POPUP_WINDOW_OPTIONS, type: 'panel', acceptFirstMouse: false, hiddenInMissionControl: true };
}

/** The settings window. */
export const SETTINGS_WINDOW_OPTIONS: AppWindowOptions = {
  width: 900,
  height: 640,
  minWidth: 640,
  minHeight: 480,
  title: 'KeyBroker Settings',
  backgroundColor: '#f6f6f6',
};
