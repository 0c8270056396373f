/**
 * A policy glob as a RegExp: `*` any run of characters (`/` included), `?` one character,
 * case-insensitive, whole string. A pattern ending in `/*` also matches the path before it,
 * so `Lab/*` means "Lab and everything under it".
 */
export function globRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const under = pattern.endsWith('/*') ? `|${body.slice(0, -3)}` : '';
  return new RegExp(`^(?:${body}${under})$`, 'i');
}

/** Whether `value` matches `pattern` (see {@link globRegExp}). */
export function globMatch(pattern: string, value: string): boolean {
  return globRegExp(pattern).test(value);
}
