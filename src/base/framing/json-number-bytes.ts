// Issue 17 item 3: the bytes and byte rules shared by the two scans that decide whether a child's bytes
// of a value may be forwarded as they are (platform/supervisor/child-channel.ts scans long
// lines while reading them; platform/gateway/forwarded-result-bytes.ts scans short ones).

/** The bytes of JSON text the two scans look at (ASCII, so the same in UTF-8). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COMMA = 0x2c;
export const CR = 0x0d;
export const LF = 0x0a;
export const MINUS = 0x2d;
export const ZERO = 0x30;
export const NINE = 0x39;
export const LOWER_E = 0x65;
export const UPPER_E = 0x45;
const DOT = 0x2e;

/**
 * Longest run of digits that still reads as what JSON.stringify writes: a longer one could be
 * a number past Number.MAX_VALUE, which parses to Infinity and is written as `null`.
 */
export const MAX_PLAIN_DIGIT_RUN = 300;

/** True for an ASCII digit (undefined, past the end, is not one). */
export const isDigitByte = (c: number | undefined): boolean =>
  // Stryker disable next-line ConditionalExpression: undefined compares false below anyway; the test is for the type.
  c !== undefined &&
  c >= ZERO &&
  c <= NINE;

/**
 * True when the number at `at` of a JSON text, a `-` followed by `0`, is minus zero (`-0`,
 * `-0.0`, `-0.000`; exponents are refused on their own): it parses to -0, which
 * JSON.stringify writes as `0`.
 */
export function isMinusZeroAt(bytes: Uint8Array, at: number): boolean {
  let i = at + 2;
  if (bytes[i] === DOT) {
    i++;
    while (bytes[i] === ZERO) i++;
  }
  return !isDigitByte(bytes[i]);
}
