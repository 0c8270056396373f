import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oneLine, previewArgs } from '../../src/renderer/truncate.js';

describe('previewArgs()', () => {
  it('pretty-prints JSON', () => {
    assert.deepEqual(previewArgs('{"a":1}'), { text: '{\n  "a": 1\n}', truncated: false });
  });
  it('cuts long text, says how much is missing, and never splits a surrogate pair', () => {
    const r = previewArgs(`${'x'.repeat(9)}😀tail`, 10);
    assert.equal(r.truncated, true);
    assert.ok(!/[\ud800-\udbff]$/.test(r.text.split('\n')[0]!));
    assert.match(r.text, /more characters not shown/);
  });
  it('limits lines', () => {
    assert.equal(previewArgs(Array.from({ length: 100 }, (_, i) => String(i)).join('\n'), 10_000, 5).text.split('\n').length, 6);
  });
});

describe('oneLine()', () => {
  it('flattens control characters and caps the length', () => {
    assert.equal(oneLine('a\nb\tc'), 'a b c');
    assert.equal(oneLine('abcdef', 4), 'abc…');
  });
});
