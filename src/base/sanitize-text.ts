/**
 * The one text sanitizer (issue 11 item 7). Every string that came from a client, a server or
 * an upstream (client names, tool names, arguments, plan summaries, upstream error text) goes
 * through it before a person sees it: in the popup, the settings window, the Touch ID reason,
 * the tray, notifications, the CLI and the audit display.
 *
 * What it removes, and why (docs/DECISIONS.md, "One text sanitizer"):
 * - C0 controls, DEL and C1 controls: a terminal acts on them (ESC starts escape sequences,
 *   U+009B is a one-byte CSI) and they can split a line or a table row.
 * - Bidirectional controls (U+061C, U+200E/F, U+202A–202E, U+2066–2069): they make text read
 *   differently from what it is ("power_on" that is really "ffo_rewop").
 * - Invisible characters that only serve to make two different strings look alike (zero-width
 *   space U+200B, word joiner and invisible operators U+2060–2064, deprecated format controls
 *   U+206A–206F, BOM U+FEFF, soft hyphen U+00AD, Mongolian vowel separator U+180E,
 *   interlinear annotation U+FFF9–FFFB, and the tag characters U+E0000–E007F that smuggle
 *   invisible ASCII), and the rest of Unicode's Default_Ignorable_Code_Point set that only
 *   hides text: the Hangul fillers U+115F, U+1160, U+3164, U+FFA0 (a blank-looking "letter",
 *   so "claude-ai\u3164" looked like "claude-ai"), Khmer U+17B4–17B5, U+2065, U+FFF0–FFF8,
 *   shorthand and musical format controls U+1BCA0–1BCA3, U+1D173–1D17A, and the unassigned
 *   U+E0080–E00FF, U+E01F0–E0FFF (h13 review). ZWJ (U+200D) and ZWNJ (U+200C) stay: Persian, Indic scripts and emoji
 *   sequences need them to render correctly, and so do variation selectors (U+FE00–FE0F,
 *   U+E0100–E01EF: emoji and ideographic variants), Mongolian free variation selectors and
 *   the combining grapheme joiner U+034F.
 * - Lone surrogates: not text; some renderers drop them, others show garbage.
 *
 * Each such character becomes U+FFFD (�), so a tampered name looks tampered. Line breaks and
 * tabs become one space (or, in multi-line mode, `\n`).
 */

/** Characters that break a line or a column. */
const LINE_BREAK = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/g;
/** Breaking whitespace in one-line mode: a run becomes one space. */
const BREAKING_RUN = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/**
 * Everything else a person must never be shown raw. `u` flag: `[\uD800-\uDFFF]` then matches
 * only unpaired surrogates, and the tag block is matched by code point.
 */
// eslint-disable-next-line no-control-regex, no-misleading-character-class -- matching these characters one by one is the point (the Hangul fillers U+115F U+1160 look like one combined character to the rule)
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufffb\ud800-\udfff\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e00ff}\u{e01f0}-\u{e0fff}]/gu;

/** The mark an unsafe character is shown as. */
export const REPLACEMENT_CHAR = '\uFFFD';

/** How `sanitizeText` shapes its output. */
export interface SanitizeTextOptions {
  /** Keep line breaks (as `\n`) and tabs: for multi-line blocks such as argument previews. Default one line. */
  readonly multiline?: boolean;
  /** Cut to at most this many code points, ellipsis included; never inside a surrogate pair. */
  readonly maxChars?: number;
  /** What ends a cut text. Default "…"; the CLI uses "..." for plain terminals. */
  readonly ellipsis?: string;
}

/**
 * Make `text` safe to show to a person: unsafe characters (see above) become U+FFFD; line
 * breaks become a space (one line, the default) or `\n` (multi-line); the result is cut to
 * `maxChars` code points. Idempotent, and the output is always well-formed UTF-16.
 *
 * Security: this is what stands between a hostile peer's string and the approval a person
 * gives. Use it for every value not written by KeyBroker itself.
 */
export function sanitizeText(text: string, options: SanitizeTextOptions = {}): string {
  const shaped = options.multiline
    ? text.replace(LINE_BREAK, '\n').replace(UNSAFE, REPLACEMENT_CHAR)
    : text.replace(BREAKING_RUN, ' ').replace(UNSAFE, REPLACEMENT_CHAR);
  return options.maxChars === undefined ? shaped : cutToCodePoints(shaped, options.maxChars, options.ellipsis ?? '…');
}

/**
 * Replace each unsafe character of `text` (the same set `sanitizeText` removes, line breaks
 * and tabs included) with what `escape` returns: for displays that must stay lossless, such
 * as the audit log's `\u202e` escapes.
 */
export function escapeUnsafeText(text: string, escape: (char: string) => string): string {
  return text.replace(UNSAFE, escape).replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, escape);
}

/** True when `text` holds a character `sanitizeText` would change (line breaks and tabs included). */
export function hasUnsafeText(text: string): boolean {
  return sanitizeText(text) !== text;
}

function cutToCodePoints(text: string, maxChars: number, ellipsis: string): string {
  const max = Math.max(0, Math.floor(maxChars));
  const points = Array.from(text);
  if (points.length <= max) return text;
  const keep = Math.max(0, max - Array.from(ellipsis).length);
  return points.slice(0, keep).join('') + ellipsis.slice(0, max);
}
