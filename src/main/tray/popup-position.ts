/** A screen rectangle. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where the popup goes: centred under the tray icon (menu bar at the top) or above it
 * (taskbar at the bottom), kept inside the display's work area. Without tray bounds
 * (some Linux trays report none) it goes to the top-right corner of the work area.
 */
export function popupPosition(tray: Rect | undefined, size: { width: number; height: number }, workArea: Rect, margin = 8): { x: number; y: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(v, hi));
  const maxX = workArea.x + workArea.width - size.width - margin;
  const maxY = workArea.y + workArea.height - size.height - margin;
  if (!tray || (tray.width === 0 && tray.height === 0)) return { x: maxX, y: workArea.y + margin };
  const x = clamp(Math.round(tray.x + tray.width / 2 - size.width / 2), workArea.x + margin, maxX);
  const below = tray.y + tray.height / 2 < workArea.y + workArea.height / 2;
  const y = below ? tray.y + tray.height + margin : tray.y - size.height - margin;
  return { x, y: clamp(Math.round(y), workArea.y + margin, maxY) };
}
