import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toOneLine } from '../../../src/cli/format/one-line.js';

describe('toOneLine()', () => {
  it('turns line breaks and tabs into spaces, other controls and bidi overrides into U+FFFD', () => {
    assert.equal(toOneLine('a\r\nb\tc\u2028d'), 'a b c d');
    assert.equal(toOneLine('\u001b[31mred\u0007\u009b\u202eevil\u2066'), '\uFFFD[31mred\uFFFD\uFFFD\uFFFDevil\uFFFD');
    assert.equal(toOneLine('plain ünïcode ✓'), 'plain ünïcode ✓');
  });

  it('cuts by code point and marks the cut, never splitting a surrogate pair', () => {
    assert.equal(toOneLine('abcdef', 6), 'abcdef');
    assert.equal(toOneLine('abcdefg', 6), 'abc...');
    const emoji = '😀'.repeat(10);
    const cut = toOneLine(emoji, 5);
    assert.equal(cut, '😀😀...');
    assert.equal(Array.from(cut).length, 5);
  });
});
