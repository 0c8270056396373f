import type { Rect } from './popup-position.js';

/** The part of Electron's `screen` the popup placement needs (the fake lives in test/mocks/electron.ts). */
export interface ScreenPort {
  getDisplayNearestPoint(point: { x: number; y: number }): { readonly workArea: Rect };
  getCursorScreenPoint(): { x: number; y: number };
}

/** Where the popup belongs: the tray icon (when the platform reports it) and its display's work area. */
export interface PopupPlacement {
  readonly tray: Rect | undefined;
  readonly workArea: Rect;
}

/**
 * The display that holds the tray icon (issue 11): with several screens the popup opens
 * next to the icon the user watches, not wherever the pointer happens to be. Trays that
 * report no bounds (some Linux desktops) fall back to the pointer's display.
 */
export function trayDisplay(tray: Rect | undefined, screen: ScreenPort): PopupPlacement {
  const known = tray !== undefined && (tray.width > 0 || tray.height > 0);
  const point = known ? { x: Math.round(tray.x + tray.width / 2), y: Math.round(tray.y + tray.height / 2) } : screen.getCursorScreenPoint();
  return { tray: known ? tray : undefined, workArea: screen.getDisplayNearestPoint(point).workArea };
}
