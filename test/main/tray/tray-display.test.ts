import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trayDisplay } from '../../../src/main/tray/tray-display.js';
import { FakeScreen } from '../../mocks/electron.js';

const left = { bounds: { x: 0, y: 0, width: 1440, height: 900 }, workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const right = { bounds: { x: 1440, y: 0, width: 1920, height: 1080 }, workArea: { x: 1440, y: 25, width: 1920, height: 1055 } };

describe('trayDisplay()', () => {
  it('picks the display under the tray icon centre', () => {
    const screen = new FakeScreen([left, right]);
    screen.cursor = { x: 10, y: 10 };
    const tray = { x: 3000, y: 0, width: 22, height: 22 };
    assert.deepEqual(trayDisplay(tray, screen), { tray, workArea: right.workArea });
  });
  it('falls back to the pointer when the tray reports no bounds', () => {
    const screen = new FakeScreen([left, right]);
    screen.cursor = { x: 2000, y: 500 };
    assert.deepEqual(trayDisplay({ x: 0, y: 0, width: 0, height: 0 }, screen), { tray: undefined, workArea: right.workArea });
    screen.cursor = { x: 100, y: 500 };
    assert.deepEqual(trayDisplay(undefined, screen), { tray: undefined, workArea: left.workArea });
  });
});
