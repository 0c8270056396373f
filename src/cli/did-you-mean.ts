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
 * The candidates closest to `input` (case-insensitive), best first, at most three: those
 * within a third of the longer word's length (at least 2 edits), or that contain `input` as
 * a part (`vms` finds `vsphere_list_vms`). Empty when nothing is close enough to help.
 */
export function closestMatches(input: string, candidates: readonly string[]): string[] {
  const needle = input.toLowerCase();
  if (needle.length === 0) return [];
  const scored = candidates.map((c) => {
    const hay = c.toLowerCase();
    const d = editDistance(needle, hay);
    const limit = Math.max(2, Math.floor(Math.max(needle.length, hay.length) / 3));
    const part = needle.length >= 3 && hay.includes(needle);
    return { c, d, ok: d <= limit || part };
  });
  return scored.filter((s) => s.ok).sort((x, y) => x.d - y.d || x.c.localeCompare(y.c)).slice(0, 3).map((s) => s.c);
}

/** `; did you mean "x"?` / `; did you mean "x" or "y"?`, or '' when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const m = closestMatches(input, candidates);
  if (m.length === 0) return '';
  const quoted = m.map((x) => `"${x}"`);
  return `; did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
}
