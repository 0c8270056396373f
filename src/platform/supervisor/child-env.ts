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

/**
 * The names a spec's fixed variables (`ServerSpec.env`, a kind's tunables) may have: glibc's
 * malloc tunables (`MALLOC_MMAP_THRESHOLD_`, `MALLOC_ARENA_MAX`, ...), each a number.
 * Security: an allow-list, so a kind's constants can never set what changes which code a child
 * (or the sandbox launcher before it) runs or where it looks: NODE_OPTIONS, LD_PRELOAD,
 * DYLD_*, PATH, GLIBC_TUNABLES, KEYBROKER_* (D91). A new kind of tunable widens
 * this with a decision.
 */
const TUNABLE_NAME = /^MALLOC_[A-Z_]{1,40}$/;
const TUNABLE_VALUE = /^[0-9]{1,12}$/;

/** The first of `env`'s variables that is not an allowed tunable (name and why), or undefined. */
export function refusedTunable(env: Readonly<Record<string, string>>): string | undefined {
  for (const [key, value] of Object.entries(env)) {
    if (!TUNABLE_NAME.test(key)) return `${key} (only MALLOC_* tunables)`;
    if (typeof value !== 'string' || !TUNABLE_VALUE.test(value)) return `${key} (a tunable's value is a number)`;
  }
  return undefined;
}
