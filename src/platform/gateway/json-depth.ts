/**
 * How deeply `value` nests arrays and objects (a scalar is 0, `{}` and `[]` are 1), counted
 * with a work list rather than recursion, so a value nested past the stack's depth is measured
 * too. Stops once the depth passes `limit` and returns that depth (`limit + 1`).
 */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const work: [unknown, number][] = [[value, 0]];
  while (work.length > 0) {
    const [v, above] = work.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = above + 1;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) work.push([child, depth]);
  }
  return max;
}
