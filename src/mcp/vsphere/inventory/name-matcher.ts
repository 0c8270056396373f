/**
 * A name filter: a glob when it contains `*` or `?` (whole name must match), else a
 * substring. Both ignore case, since vSphere names are for humans.
 */
export function nameMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined || pattern === '') return () => true;
  const lower = pattern.toLowerCase();
  if (!/[*?]/.test(pattern)) return (name) => name.toLowerCase().includes(lower);
  const source = lower.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, 's');
  return (name) => re.test(name.toLowerCase());
}

/** Exact, case-insensitive equality for host, cluster, datacenter and folder filters. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
