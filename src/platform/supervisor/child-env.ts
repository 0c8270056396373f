/**
 * Variables a child may inherit. Security: an allow-list, never a deny-list, so a secret
 * the user exported (VSPHERE_PASSWORD, AWS_*, tokens) can never leak into a server child.
 */
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'WINDIR', 'NODE_ENV'] as const;

/** Build a child's environment: allow-listed variables plus `extra`, every value a string. */
export function buildChildEnv(parent: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = parent[key];
    if (typeof value === 'string') env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) env[key] = String(value);
  return env;
}
