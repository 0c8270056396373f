import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { popupPosition } from '../../../src/main/tray/popup-position.js';

const workArea = { x: 0, y: 25, width: 1440, height: 875 };
const size = { width: 420, height: 360 };

describe('popupPosition()', () => {
  it('centres under a menu-bar icon', () => {
    assert.deepEqual(popupPosition({ x: 1000, y: 0, width: 22, height: 22 }, size, workArea), { x: 801, y: 33 });
  });
  it('goes above a bottom taskbar icon', () => {
    assert.deepEqual(popupPosition({ x: 1000, y: 870, width: 24, height: 30 }, size, { x: 0, y: 0, width: 1440, height: 870 }), { x: 802, y: 502 });
  });
  it('stays inside the work area near the right edge', () => {
    assert.equal(popupPosition({ x: 1430, y: 0, width: 22, height: 22 }, size, workArea).x, 1440 - 420 - 8);
  });
  it('uses the top-right corner when the tray reports no bounds', () => {
    assert.deepEqual(popupPosition(undefined, size, workArea), { x: 1012, y: 33 });
    assert.deepEqual(popupPosition({ x: 0, y: 0, width: 0, height: 0 }, size, workArea), { x: 1012, y: 33 });
  });
});
