import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { previewArgs } from '../../src/renderer/truncate.js';

describe('previewArgs()', () => {
  it('pretty-prints JSON', () => {
    assert.deepEqual(previewArgs('{"a":1}'), { text: '{\n  "a": 1\n}', truncated: false });
  });
  it('cuts long text, says how much is missing, and never splits a surrogate pair', () => {
    const r = previewArgs(`${'x'.repeat(9)}😀tail`, 10);
    assert.equal(r.truncated, true);
    assert.ok(!/[\ud800-\udbff]$/.test(r.text.split('\n')[0]!), 'the cut text does not end in half a surrogate pair');
    assert.match(r.text, /more characters not shown/);
  });
  it('shows bidi overrides inside JSON strings as U+FFFD (JSON.stringify keeps them raw)', () => {
    assert.equal(previewArgs(JSON.stringify({ vm: 'web-01\u202e10-bew' })).text, '{\n  "vm": "web-01\uFFFD10-bew"\n}');
  });
  it('limits lines', () => {
    assert.equal(previewArgs(Array.from({ length: 100 }, (_, i) => String(i)).join('\n'), 10_000, 5).text.split('\n').length, 6);
  });
});
