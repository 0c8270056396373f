// The tray icons as pixels (issue 15 item 5): "pending approval" must be unmistakable at
// 16 px, and the Windows/Linux icons must stand out on dark and light taskbars alike.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { trayIconFile, type TrayState } from '../../../src/main/tray/tray-state.js';
import { decodePng, type RgbaImage } from '../../support/png.js';

const ASSETS = path.resolve(import.meta.dirname, '../../../assets');
const STATES: readonly TrayState[] = ['locked', 'unlocked', 'pending'];
const load = (file: string): RgbaImage => decodePng(fs.readFileSync(path.join(ASSETS, file)));
const opaque = (img: RgbaImage, i: number) => img.data[i * 4 + 3]! >= 128;

/**
 * Share of pixels that differ at a glance: covered in one icon and not the other, or covered
 * in both with clearly different colours (RGB distance > 100).
 */
function pixelDifference(a: RgbaImage, b: RgbaImage): number {
  let diff = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    if (opaque(a, i) !== opaque(b, i)) diff++;
    else if (opaque(a, i) && Math.hypot(...[0, 1, 2].map((k) => a.data[i * 4 + k]! - b.data[i * 4 + k]!)) > 100) diff++;
  }
  return diff / (a.width * a.height);
}

/** Share of pixels that, composited on `bg`, differ from it by at least 3:1 contrast. */
function visibleShare(img: RgbaImage, bg: readonly [number, number, number]): number {
  const lum = (c: readonly number[]) => {
    const [r, g, b] = c.map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const lb = lum(bg);
  let visible = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const a = img.data[i * 4 + 3]! / 255;
    const px = [0, 1, 2].map((k) => img.data[i * 4 + k]! * a + bg[k]! * (1 - a));
    const lp = lum(px);
    if ((Math.max(lp, lb) + 0.05) / (Math.min(lp, lb) + 0.05) >= 3) visible++;
  }
  return visible / (img.width * img.height);
}

describe('tray icons', () => {
  it('exist for every state, on macOS (template) and elsewhere (colour), at 1x and 2x', () => {
    for (const state of STATES) {
      for (const platform of ['darwin', 'win32', 'linux'] as const) {
        const file = trayIconFile(state, platform);
        const img = load(file);
        assert.equal(img.width, 16, file);
        assert.equal(load(file.replace('.png', '@2x.png')).width, 32, file);
      }
    }
  });

  it('macOS templates are black and alpha only (so the menu bar can tint them)', () => {
    for (const state of STATES) {
      const img = load(trayIconFile(state, 'darwin'));
      for (let i = 0; i < 256; i++) if (img.data[i * 4 + 3]! > 0) assert.deepEqual([...img.data.subarray(i * 4, i * 4 + 3)], [0, 0, 0], state);
    }
  });

  it('"pending" differs from "locked" and "unlocked" in at least a quarter of the pixels at 16 px', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const pending = load(trayIconFile('pending', platform));
      for (const other of ['locked', 'unlocked'] as const) {
        const d = pixelDifference(pending, load(trayIconFile(other, platform)));
        assert.ok(d >= 0.25, `${platform}: pending vs ${other} differ in ${(d * 100).toFixed(0)} % of the pixels`);
      }
    }
  });

  it('Windows/Linux icons stand out on dark and light taskbars (≥ 3:1 on a fifth of the pixels)', () => {
    const taskbars = { 'Windows 11 dark': [32, 32, 32], 'GNOME dark': [0, 0, 0], 'Windows 11 light': [243, 243, 243], 'KDE light': [255, 255, 255] } as const;
    for (const state of STATES) {
      const img = load(trayIconFile(state, 'linux'));
      for (const [name, bg] of Object.entries(taskbars)) {
        const share = visibleShare(img, bg);
        assert.ok(share >= 0.2, `${state} on ${name}: ${(share * 100).toFixed(0)} % of the pixels visible`);
      }
    }
    // A template icon would not pass this: black on a dark taskbar.
    assert.ok(visibleShare(load(trayIconFile('locked', 'darwin')), [32, 32, 32]) < 0.2, 'the locked icon is not black on a dark taskbar (under 20 % dark pixels visible)');
  });
});
