/**
 * Levenshtein distance between `a` and `b` (insert, delete, substitute; each costs 1).
 * Inputs are command words and tool names, so the O(|a|·|b|) table is tiny.
 */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidates closest to `input` (case-insensitive), at most three: those at the smallest
 * edit distance, if that is within a third of the longer word (at least 2 edits); else those
 * that contain `input` (`endpoints` finds `vsphere_list_endpoints`). Empty when nothing is
 * close enough to help.
 */
export function closestMatches(input: string, candidates: readonly string[]): string[] {
  const needle = input.toLowerCase();
  if (needle.length === 0) return [];
  const near = candidates
    .map((c) => ({ c, d: editDistance(needle, c.toLowerCase()), limit: Math.max(2, Math.floor(Math.max(needle.length, c.length) / 3)) }))
    .filter((x) => x.d <= x.limit);
  const best = Math.min(...near.map((x) => x.d));
  const picked = near.length > 0
    ? near.filter((x) => x.d === best).map((x) => x.c)
    : candidates.filter((c) => needle.length >= 3 && c.toLowerCase().includes(needle));
  return [...picked].sort((a, b) => a.localeCompare(b)).slice(0, 3);
}

/** `; did you mean "x"?` / `; did you mean "x" or "y"?`, or '' when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const m = closestMatches(input, candidates);
  if (m.length === 0) return '';
  const quoted = m.map((x) => `"${x}"`);
  return `; did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
}
