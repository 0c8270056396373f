/**
 * Where to cut a string without splitting a surrogate pair (E3-tidy): the audit's cut of a long
 * string and of a config.json server's command each checked the surrogates themselves. Half a
 * pair is no character: JSON writes it as an escape, and a UTF-8 round trip makes it U+FFFD.
 * Indexes are UTF-16 units, as `String.prototype.slice` takes them.
 */

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * The end for `s.slice(0, end)` at `index` or one before it: never just after the first half of
 * a pair (that half goes with the pair).
 */
export function cutBefore(s: string, index: number): number {
  return isHigh(s.charCodeAt(index - 1)) ? index - 1 : index;
}

/**
 * The start for `s.slice(start)` at `index` or one after it: never at the second half of a pair
 * (that half goes with the pair).
 */
export function cutAfter(s: string, index: number): number {
  return isLow(s.charCodeAt(index)) ? index + 1 : index;
}
