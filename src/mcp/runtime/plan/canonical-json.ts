/**
 * JSON with object keys sorted at every level and `undefined` dropped, so the same value
 * always gives the same text, and two different JSON values never share one: what a plan
 * hash is computed over (issue 11).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  // JSON.stringify writes `undefined` in an array as null and leaves an undefined key out.
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value !== null && typeof value === 'object') {
    // Security: no prototype, so a `__proto__` key (an own property after JSON.parse) is
    // copied as data; on `{}` the assignment would set the prototype and drop the key from
    // the text, and `{"__proto__":{…}}` would hash like `{}` (D156).
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
