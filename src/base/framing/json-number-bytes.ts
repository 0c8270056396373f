// Issue 17 item 3: the byte rules shared by the two scans that decide whether a child's bytes
// of a value may be forwarded as they are (platform/supervisor/child-channel.ts scans long
// lines while reading them; platform/gateway/forwarded-result-bytes.ts scans short ones).

/**
 * Longest run of digits that still reads as what JSON.stringify writes: a longer one could be
 * a number past Number.MAX_VALUE, which parses to Infinity and is written as `null`.
 */
export const MAX_PLAIN_DIGIT_RUN = 300;

/** True for an ASCII digit (undefined, past the end, is not one). */
export const isDigitByte = (c: number | undefined): boolean =>
  // Stryker disable next-line ConditionalExpression: undefined compares false below anyway; the test is for the type.
  c !== undefined &&
  c >= 0x30 &&
  c <= 0x39;

/**
 * True when the number at `at` of a JSON text, a `-` followed by `0`, is minus zero (`-0`,
 * `-0.0`, `-0.000`; exponents are refused on their own): it parses to -0, which
 * JSON.stringify writes as `0`.
 */
export function isMinusZeroAt(bytes: Uint8Array, at: number): boolean {
  let i = at + 2;
  if (bytes[i] === 0x2e) {
    i++;
    while (bytes[i] === 0x30) i++;
  }
  return !isDigitByte(bytes[i]);
}
