/** Whitespace that would break a line or a column: shown as a plain space. */
const BREAKING_SPACE = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/**
 * Everything else a terminal could act on: C0/C1 controls (ESC starts escape sequences),
 * DEL, and the bidirectional overrides that can make text read differently than it is.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Make `text` safe to print as one table cell or one line: breaking whitespace becomes a
 * space, other control and bidi characters become U+FFFD, and when `maxChars` is given
 * the result is cut (by code point, never inside a surrogate pair) and ends with "...".
 *
 * Security: values shown by the CLI may come from a client or an upstream (tool arguments,
 * client names); without this a hostile value could forge table rows or send terminal escapes.
 */
export function toOneLine(text: string, maxChars?: number): string {
  const clean = text.replace(BREAKING_SPACE, ' ').replace(UNSAFE, '\uFFFD');
  if (maxChars === undefined) return clean;
  const points = Array.from(clean);
  if (points.length <= maxChars) return clean;
  return points.slice(0, Math.max(0, maxChars - 3)).join('') + '...';
}
