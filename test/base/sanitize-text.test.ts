import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { escapeUnsafeText, hasUnsafeText, REPLACEMENT_CHAR, sanitizeText } from '../../src/base/sanitize-text.js';

/** Written independently of the module's regex: the characters a person must never see raw. */
function isForbidden(cp: number): boolean {
  return (cp <= 0x1f && cp !== 0x0a && cp !== 0x09) || (cp >= 0x7f && cp <= 0x9f) || cp === 0xad || cp === 0x061c || cp === 0x180e
    || cp === 0x200b || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064)
    || (cp >= 0x2066 && cp <= 0x206f) || cp === 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xd800 && cp <= 0xdfff)
    || (cp >= 0xe0000 && cp <= 0xe007f) || cp === 0x2028 || cp === 0x2029
    // Default-ignorable characters that only hide text (h13 review): Hangul fillers and the rest.
    || cp === 0x115f || cp === 0x1160 || cp === 0x17b4 || cp === 0x17b5 || cp === 0x2065 || cp === 0x3164 || cp === 0xffa0
    || (cp >= 0xfff0 && cp <= 0xfff8) || (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a)
    || (cp >= 0xe0080 && cp <= 0xe00ff) || (cp >= 0xe01f0 && cp <= 0xe0fff);
}

const DANGEROUS = ['\u0000', '\u0007', '\u001b', '\t', '\n', '\r', '\r\n', '\u007f', '\u0085', '\u009b', '\u00ad', '\u061c', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f',
  '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2060', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff', '\ud800', '\udfff', '\u{e0041}', '\u3164', '\uffa0', '\u{1f600}', '\u{1f469}\u200d\u{1f4bb}', 'é', 'a', ' '];
/** Any code unit (lone surrogates included), any astral code point, and the known-dangerous ones, mixed. */
const unit = fc.oneof(
  fc.constantFrom(...DANGEROUS),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
const anyText = fc.string({ unit, maxLength: 80 });

function codePoints(text: string): number[] {
  // Iterating a string yields lone surrogates as one-unit strings; codePointAt reads them as such.
  return Array.from(text, (c) => c.codePointAt(0)!);
}

describe('sanitizeText()', () => {
  it('never lets a control, bidi, invisible or lone-surrogate character through (property)', () => {
    fc.assert(fc.property(anyText, fc.boolean(), (text, multiline) => {
      const out = sanitizeText(text, { multiline });
      for (const cp of codePoints(out)) assert.ok(!isForbidden(cp) || (multiline && cp === 0x0a), `U+${cp.toString(16)} survived in ${JSON.stringify(out)}`);
      if (!multiline) assert.ok(!/[\n\t]/.test(out), 'one line has no line break or tab');
    }), { numRuns: 500 });
  });

  it('is idempotent and keeps one line per line (property)', () => {
    fc.assert(fc.property(anyText, (text) => {
      const one = sanitizeText(text);
      assert.equal(sanitizeText(one), one);
      const multi = sanitizeText(text, { multiline: true });
      assert.equal(sanitizeText(multi, { multiline: true }), multi);
      const breaks = (text.match(/\r\n|[\n\v\f\r\u0085\u2028\u2029]/g) ?? []).length;
      assert.equal(multi.split('\n').length - 1, breaks);
    }), { numRuns: 500 });
  });

  it('cuts to maxChars code points, never inside a pair, ending with the ellipsis (property)', () => {
    fc.assert(fc.property(anyText, fc.integer({ min: 1, max: 40 }), (text, max) => {
      const full = sanitizeText(text);
      const out = sanitizeText(text, { maxChars: max });
      assert.ok(Array.from(out).length <= max, 'the cut text has at most maxChars characters');
      if (Array.from(full).length <= max) assert.equal(out, full);
      else assert.ok(out.endsWith('…'), 'a cut text ends with an ellipsis');
      for (const cp of codePoints(out)) assert.ok(cp < 0xd800 || cp > 0xdfff, 'no half of a pair');
    }), { numRuns: 500 });
  });

  it('shows a Hangul filler and the other blank-looking default-ignorables as U+FFFD: "claude-ai\\u3164" is not "claude-ai"', () => {
    for (const hidden of ['\u3164', '\u115f', '\u1160', '\uffa0', '\u17b4', '\u2065', '\ufff0', '\u{1bca1}', '\u{1d173}', '\u{e0080}']) {
      assert.equal(sanitizeText(`claude-ai${hidden}`), `claude-ai${REPLACEMENT_CHAR}`, `U+${hidden.codePointAt(0)!.toString(16)}`);
      assert.equal(hasUnsafeText(`a${hidden}b`), true);
    }
    // Emoji and ideographic variation selectors stay: text needs them.
    for (const ok of ['\u2764\ufe0f', '\u845b\u{e0100}']) assert.equal(sanitizeText(ok), ok);
  });

  it('leaves ordinary text alone, including ZWJ emoji and ZWNJ scripts', () => {
    for (const ok of ['power-off-vm', 'Ünïcödé ✓ 日本語', 'claude-ai 1.2.3', '\u{1f469}\u200d\u{1f4bb} dev', 'می\u200cخواهم', 'a  b']) {
      assert.equal(sanitizeText(ok), ok);
      assert.equal(hasUnsafeText(ok), false, ok);
    }
  });

  it('shows each bidi control as U+FFFD, so a right-to-left spoof looks tampered', () => {
    // "list_vms" followed by RLO: a reader would see "list_vms" + a reversed "ffo_rewop".
    assert.equal(sanitizeText('list_vms\u202effo_rewop'), `list_vms${REPLACEMENT_CHAR}ffo_rewop`);
    for (const c of ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']) {
      assert.equal(sanitizeText(`a${c}b`), `a${REPLACEMENT_CHAR}b`, `U+${c.charCodeAt(0).toString(16)}`);
      assert.equal(hasUnsafeText(`a${c}b`), true);
    }
  });

  it('turns breaking whitespace into one space on one line and into \\n in multi-line mode', () => {
    assert.equal(sanitizeText('a\r\nb\tc\u2028d\n\n e'), 'a b c d  e');
    assert.equal(sanitizeText('a\r\nb\tc\u2028d', { multiline: true }), 'a\nb\tc\nd');
    assert.equal(sanitizeText('\u001b[31mred\u0007\u009b'), '\uFFFD[31mred\uFFFD\uFFFD');
  });

  it('replaces lone surrogates and tag characters, keeps valid pairs', () => {
    assert.equal(sanitizeText('a\ud800b\udc00c\u{1f600}'), 'a\uFFFDb\uFFFDc\u{1f600}');
    assert.equal(sanitizeText('hi\u{e0041}\u{e0042}'), 'hi\uFFFD\uFFFD');
  });

  it('uses the given ellipsis', () => {
    assert.equal(sanitizeText('abcdefg', { maxChars: 6, ellipsis: '...' }), 'abc...');
    assert.equal(sanitizeText('abcdef', { maxChars: 6, ellipsis: '...' }), 'abcdef');
  });
});

describe('escapeUnsafeText()', () => {
  it('escapes the same set, losslessly', () => {
    const esc = (c: string) => Array.from(c, (u) => `<${u.codePointAt(0)!.toString(16)}>`).join('');
    assert.equal(escapeUnsafeText('a\u202eb\nc\u{e0041}d', esc), 'a<202e>b<a>c<e0041>d');
  });
});
