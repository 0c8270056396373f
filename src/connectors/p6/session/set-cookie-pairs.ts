/**
 * The `name=value` pairs of a response's `Set-Cookie` headers, attributes dropped,
 * one per name (a later header for the same name replaces an earlier one) and
 * without cookies the server is deleting (`Max-Age` <= 0). P6 sends JSESSIONID and
 * load balancers may add more; every one must go back (reference §2.1).
 */
export function setCookiePairs(header: string | string[] | undefined): string[] {
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const byName = new Map<string, string>();
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const deleted = attributes.some((a) => /^\s*max-age\s*=\s*(-\d+|0+)\s*$/i.test(a));
    byName.delete(name);
    if (!deleted && name !== '') byName.set(name, `${name}=${value}`);
  }
  return [...byName.values()];
}
