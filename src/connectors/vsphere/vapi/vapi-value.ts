/**
 * A vAPI JSON field that must be text (an id, a name, a description): the string, or undefined
 * for anything else and for `""`, as for an absent field (vAPI writes an unset description as
 * `""`; a tag or category without a name is not one a policy rule can name). The vim25 side's
 * `propertyText` keeps `""`; this one does not. Security: never String() on an upstream value
 * (D126).
 */
export function vapiText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A vAPI list of ids: its strings, in order; [] for anything that is not a list. */
export function vapiIds(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}
