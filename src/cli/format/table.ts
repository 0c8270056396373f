import { toOneLine } from './one-line.js';

/**
 * Left-aligned columns separated by two spaces, headers first, one line per row, for humans.
 * Every cell goes through `toOneLine`, so no value can add a line or an escape sequence.
 * Scripts should use `--json` instead of parsing this.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers, ...rows].map((row) => headers.map((_, i) => toOneLine(row[i] ?? '')));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => Array.from(row[i] ?? '').length)));
  return cells
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - Array.from(cell).length))).join('  ').trimEnd())
    .join('\n') + '\n';
}
