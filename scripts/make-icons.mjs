// Draws the tray template icons (@1x and @2x) and the app icon into assets/ with a tiny
// PNG encoder (node:zlib only; no image tooling on the build machine). Rerun after edits:
//   node scripts/make-icons.mjs
// Template icons are black on transparent: macOS tints them for light and dark menu bars.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** RGBA PNG of size×size; `pixel(x, y)` (0..1 coords of the pixel centre) returns [r,g,b,a]. */
export function encodePng(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      // 4×4 supersampling for smooth edges.
      let acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) {
        const p = pixel((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
        acc = acc.map((v, i) => v + p[i] * (i === 3 ? 1 : p[3] / 255));
      }
      const a = acc[3] / 16;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = a ? Math.round(acc[0] / (acc[3] / 255)) : 0;
      raw[o + 1] = a ? Math.round(acc[1] / (acc[3] / 255)) : 0;
      raw[o + 2] = a ? Math.round(acc[2] / (acc[3] / 255)) : 0;
      raw[o + 3] = Math.round(a);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
/** Upper half of a ring (the padlock shackle) centred at cx, with legs down to legBottom. */
const shackle = (x, y, cx, cy, r, w, legBottom) =>
  (y <= cy && Math.abs(Math.hypot(x - cx, y - cy) - r) <= w / 2) ||
  (y > cy && y <= legBottom && (Math.abs(x - (cx - r)) <= w / 2 || Math.abs(x - (cx + r)) <= w / 2));

const BLACK = [0, 0, 0, 255];
const NONE = [0, 0, 0, 0];
const inCircle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) <= r;
/** Shapes as predicates over 0..1 coordinates. */
const masks = {
  locked: (x, y) => inRect(x, y, 0.14, 0.44, 0.86, 0.94) || shackle(x, y, 0.5, 0.34, 0.22, 0.1, 0.46),
  unlocked: (x, y) => inRect(x, y, 0.06, 0.44, 0.7, 0.94) || (shackle(x, y, 0.7, 0.26, 0.2, 0.1, 0.46) && !(x < 0.7 && y > 0.26 && x < 0.6)),
  // "Pending approval" must not read as "locked" at 16 px (issue 15): not a padlock at all but
  // a solid disc with a bold "!" cut out, the shape people know as "needs attention".
  pending: (x, y) => inCircle(x, y, 0.5, 0.5, 0.47) && !(inRect(x, y, 0.41, 0.17, 0.59, 0.6) || inCircle(x, y, 0.5, 0.77, 0.1)),
};
const shapes = Object.fromEntries(Object.entries(masks).map(([k, m]) => [k, (x, y) => (m(x, y) ? BLACK : NONE)]));

/**
 * Windows and Linux trays are not tinted for us and may be dark or light: the icon is the
 * shape in a colour with a white outline, so it stands out on both. `ring` is the outline
 * width in icon units (one pixel at 16 px).
 */
function outlined(mask, fill, ring = 1 / 16, white = () => false) {
  const near = (x, y) => {
    for (let i = 0; i < 16; i++) {
      const a = (i / 16) * 2 * Math.PI;
      if (mask(x + ring * Math.cos(a), y + ring * Math.sin(a))) return true;
    }
    return false;
  };
  return (x, y) => (mask(x, y) ? fill : white(x, y) || near(x, y) ? [255, 255, 255, 255] : NONE);
}
const COLOURS = { locked: [48, 48, 52, 255], unlocked: [24, 128, 56, 255], pending: [214, 96, 0, 255] };

const assets = path.join(root, 'assets');
fs.mkdirSync(assets, { recursive: true });
for (const [state, fn] of Object.entries(shapes)) {
  // macOS: template images (black + alpha), tinted by the menu bar.
  fs.writeFileSync(path.join(assets, `tray-${state}Template.png`), encodePng(16, fn));
  fs.writeFileSync(path.join(assets, `tray-${state}Template@2x.png`), encodePng(32, fn));
  // Windows and Linux: coloured, outlined in white. Scaled down from the 16 px drawing so the
  // outline stays one 16 px pixel wide at 2x too.
  const shrink = (m) => (x, y) => m(0.5 + (x - 0.5) / 0.88, 0.5 + (y - 0.5) / 0.88);
  // The pending disc's "!" is painted white rather than left see-through.
  const white = state === 'pending' ? shrink((x, y) => inCircle(x, y, 0.5, 0.5, 0.47)) : undefined;
  fs.writeFileSync(path.join(assets, `tray-${state}.png`), encodePng(16, outlined(shrink(masks[state]), COLOURS[state], 1 / 16, white)));
  fs.writeFileSync(path.join(assets, `tray-${state}@2x.png`), encodePng(32, outlined(shrink(masks[state]), COLOURS[state], 1 / 16, white)));
}
const BLUE = [45, 95, 168, 255];
const WHITE = [255, 255, 255, 255];
fs.writeFileSync(path.join(assets, 'icon.png'), encodePng(512, (x, y) => {
  const r = 0.18, inside = inRect(x, y, 0.03, 0.03, 0.97, 0.97) && !(Math.min(x - 0.03, 0.97 - x) < r && Math.min(y - 0.03, 0.97 - y) < r && Math.hypot(Math.min(x - 0.03, 0.97 - x) - r, Math.min(y - 0.03, 0.97 - y) - r) > r);
  if (!inside) return NONE;
  const lx = (x - 0.2) / 0.6, ly = (y - 0.15) / 0.7;
  if (lx >= 0 && lx <= 1 && ly >= 0 && ly <= 1) {
    if (Math.hypot(lx - 0.5, ly - 0.62) < 0.08 || inRect(lx, ly, 0.47, 0.62, 0.53, 0.8)) return BLUE;
    if (shapes.locked(lx, ly)[3]) return WHITE;
  }
  return BLUE;
}));
console.log('icons written to assets/');
