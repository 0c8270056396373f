/** A P6 value as plans show it: numbers bare, text quoted, empty as "(empty)". */
export function showP6Value(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (typeof value === 'string') return `'${value}'`;
  // Numbers and booleans too: a JSON value's JSON text is its String() (5, true).
  return JSON.stringify(value);
}

/** A P6 value as a precondition compares it: the JSON text, empty for unset. */
export function preconditionP6Value(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}
