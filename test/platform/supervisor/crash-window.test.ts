import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CrashWindow } from '../../../src/platform/supervisor/crash-window.js';

describe('CrashWindow', () => {
  it('counts only the crashes inside the window ending now', () => {
    const w = new CrashWindow(1000);
    assert.equal(w.record(0), 1);
    assert.equal(w.record(500), 2);
    assert.equal(w.record(999), 3);
    assert.equal(w.record(1000), 3); // the crash at 0 is exactly one window old: out
    assert.equal(w.count(2500), 0);
  });

  it('forgets everything on clear()', () => {
    const w = new CrashWindow(1000);
    w.record(1);
    w.record(2);
    w.clear();
    assert.equal(w.record(3), 1);
  });
});
