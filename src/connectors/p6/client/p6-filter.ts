import { ConnectorError } from '../../connector-error.js';
import { hasControlChar } from '../has-control-char.js';

/** A value in a P6 filter: strings and dates quoted, numbers bare (reference §4). */
export type P6FilterValue = string | number | boolean;

const FIELD = /^[A-Za-z][A-Za-z0-9]*$/;

/** A field name safe to put in `Fields=`, `Filter=` or `OrderBy=`. */
export function p6Field(name: string): string {
  // Security: field names are spliced into the filter grammar; anything but a plain identifier could change its meaning.
  if (!FIELD.test(name)) throw new ConnectorError('CONN_INVALID_REQUEST', `"${name.slice(0, 40)}" is not a P6 field name; use PascalCase names such as ObjectId or Name`);
  return name;
}

/** One literal: `'text'` with `''` for a quote, numbers bare. */
export function p6Literal(value: P6FilterValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConnectorError('CONN_INVALID_REQUEST', 'a P6 filter number must be finite');
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  // Security: control characters have no business in a filter and could confuse proxies.
  if (hasControlChar(value)) throw new ConnectorError('CONN_INVALID_REQUEST', 'a P6 filter value must not contain control characters');
  return `'${value.replace(/'/g, "''")}'`;
}

/** `Field<op>value`, e.g. `p6Clause('Status', ':eq:', 'Active')`. */
export function p6Clause(field: string, op: ':eq:' | '!=' | ':lt:' | ':lte:' | ':gt:' | ':gte:' | ':like:', value: P6FilterValue): string {
  return `${p6Field(field)}${op === ':like:' ? ' :like: ' : op}${p6Literal(value)}`;
}

/** `Field IN(a,b)`; an empty list matches nothing, which P6 cannot say, so callers must skip the read. */
export function p6In(field: string, values: readonly P6FilterValue[]): string {
  return `${p6Field(field)} IN(${values.map(p6Literal).join(',')})`;
}

/**
 * Join clauses with `:and:`, dropping empty ones; undefined when none is left. Grouping is
 * undocumented (reference §4), so callers only ever AND; a caller-given filter that uses
 * `:or:` is never combined with anything (see P6Client).
 */
export function p6And(...clauses: readonly (string | undefined)[]): string | undefined {
  const parts = clauses.filter((c): c is string => c !== undefined && c.trim() !== '');
  return parts.length ? parts.join(' :and: ') : undefined;
}
