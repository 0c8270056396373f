/** SOAP calls between two snapshots of vcsim's counter (GET /kbtest/counts), as
 * "Method n, ...": the benchmark prints it to show that each way does the same work. */
export function callsSince(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): string {
  return Object.entries(after)
    .map(([method, n]) => [method, n - (before[method] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([method, n]) => `${method} ${n}`)
    .join(', ');
}
