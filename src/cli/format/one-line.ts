import { sanitizeText } from '../../base/sanitize-text.js';

/**
 * Make `text` safe to print as one table cell or one line, through the one shared sanitizer
 * (base/sanitize-text.ts): breaking whitespace becomes a space, control, bidi and
 * invisible characters become U+FFFD, and when `maxChars` is given the result is cut (by code
 * point, never inside a surrogate pair) and ends with "..." (plain ASCII for any terminal).
 *
 * Security: values shown by the CLI may come from a client or an upstream (tool arguments,
 * client names); without this a hostile value could forge table rows or send terminal escapes.
 */
export function toOneLine(text: string, maxChars?: number): string {
  return sanitizeText(text, { maxChars, ellipsis: '...' });
}
