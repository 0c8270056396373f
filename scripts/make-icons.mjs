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
const shapes = {
  locked: (x, y) => (inRect(x, y, 0.14, 0.44, 0.86, 0.94) || shackle(x, y, 0.5, 0.34, 0.22, 0.1, 0.46) ? BLACK : NONE),
  unlocked: (x, y) => (inRect(x, y, 0.06, 0.44, 0.7, 0.94) || (shackle(x, y, 0.7, 0.26, 0.2, 0.1, 0.46) && !(x < 0.7 && y > 0.26 && x < 0.6)) ? BLACK : NONE),
  pending: (x, y) => {
    if (inRect(x, y, 0.44, 0.52, 0.56, 0.74) || inRect(x, y, 0.44, 0.8, 0.56, 0.88)) return NONE; // "!" cut out
    return shapes.locked(x, y);
  },
};

const assets = path.join(root, 'assets');
fs.mkdirSync(assets, { recursive: true });
for (const [state, fn] of Object.entries(shapes)) {
  fs.writeFileSync(path.join(assets, `tray-${state}Template.png`), encodePng(16, fn));
  fs.writeFileSync(path.join(assets, `tray-${state}Template@2x.png`), encodePng(32, fn));
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
