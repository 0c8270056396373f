/**
 * `text` cut into the pieces a streamed body could arrive in: at the given offsets (taken
 * modulo the length, duplicates dropped, in order), so a property test can cut anywhere.
 * Shared by the scanner's and the readers' tests.
 */
export function xmlPieces(text: string, cutsRaw: readonly number[]): string[] {
  const cuts = [...new Set(cutsRaw.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    pieces.push(text.slice(from, cut));
    from = cut;
  }
  return pieces;
}
