/** A P6 value as plans show it: numbers bare, text quoted, empty as "(empty)". */
export function showP6Value(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}

/** A P6 value as a precondition compares it: the JSON text, empty for unset. */
export function preconditionP6Value(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}
