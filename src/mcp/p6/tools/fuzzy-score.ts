/** Lower-case words of a name, without punctuation. */
function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
}

function bigrams(text: string): Map<string, number> {
  const s = ` ${words(text).join(' ')} `;
  const out = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) out.set(s.slice(i, i + 2), (out.get(s.slice(i, i + 2)) ?? 0) + 1);
  return out;
}

/**
 * How well `name` matches `query`, 0..1: exact 1, prefix 0.9, substring 0.8, every query
 * word a prefix of some name word 0.7, else the bigram (Dice) similarity, which tolerates
 * typos. Good enough for OBS names, which are short and few.
 */
export function fuzzyScore(query: string, name: string): number {
  const q = words(query).join(' ');
  const n = words(name).join(' ');
  if (q === '' || n === '') return 0;
  if (q === n) return 1;
  if (n.startsWith(q)) return 0.9;
  if (n.includes(q)) return 0.8;
  const nameWords = words(name);
  if (words(query).every((w) => nameWords.some((nw) => nw.startsWith(w)))) return 0.7;
  const a = bigrams(query);
  const b = bigrams(name);
  let shared = 0;
  for (const [g, count] of a) shared += Math.min(count, b.get(g) ?? 0);
  const total = [...a.values(), ...b.values()].reduce((x, y) => x + y, 0);
  return total === 0 ? 0 : Math.round(((2 * shared) / total) * 0.65 * 1000) / 1000;
}
