/** Longest part of a changed text shown (the changed stretch with a little context): a diff line stays within what the popup shows of it (300 characters). */
const SHOWN = 220;
/** Unchanged characters shown before and after a changed stretch. */
const CONTEXT = 40;
/** Nesting levels of a schema listed property by property. */
const MAX_DEPTH = 8;

type Canonical = (value: unknown) => string;

/**
 * `was`/`now` of one changed text, cut to where the two differ: the stretch from the first to
 * the last differing character with {@link CONTEXT} characters around it, `…` where text was
 * left out. Security: a pin diff shows what changed. Cutting both to their first 160
 * characters showed two identical lines for any change past them (an instruction added to
 * the end of a long description was invisible in the approval; W4-paging).
 */
export function changedText(before: string, after: string): { was: string; now: string } {
  if (before.length <= 160 && after.length <= 160) return { was: before, now: after };
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const start = Math.max(0, p - CONTEXT);
  const cut = (text: string) => {
    const end = Math.min(text.length, text.length - s + CONTEXT);
    const shown = text.slice(start, Math.min(end, start + SHOWN));
    const left = end - start - shown.length;
    return `${start > 0 ? '…' : ''}${shown}${left > 0 ? `… (${left} more changed characters)` : end < text.length ? '…' : ''}`;
  };
  return { was: cut(before), now: cut(after) };
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const propertiesOf = (v: Schema): Record<string, unknown> | undefined => (isSchema(v['properties']) ? v['properties'] : undefined);

/** A text shown whole up to {@link SHOWN} characters, else cut saying how much is left out. */
export function clip(text: string): string {
  return text.length <= SHOWN ? text : `${text.slice(0, SHOWN)}… (${text.length - SHOWN} more characters)`;
}

/** One property's line when it was added: its description, else its schema. */
function summary(value: unknown, canonical: Canonical): string {
  return clip(isSchema(value) && typeof value['description'] === 'string' ? value['description'] : canonical(value));
}

/**
 * The lines under "~ tool X: inputSchema changed" (or outputSchema): per property added (+),
 * removed (-) or changed (~, into nested properties and array items), and any other keyword
 * of the schema with its was/now, so an upgrade that adds `limit` and `cursor` reads as
 * that, not as two JSON texts cut before they differ.
 */
export function schemaChangeLines(before: unknown, after: unknown, canonical: Canonical, indent = '    ', path = ''): string[] {
  // Past MAX_DEPTH levels the rest is one was/now: the lines stay few, and the work (a
  // canonical text per level) stays a small multiple of the schema's size. The gateway
  // refuses definitions nested past 64 levels before they reach the pins (child-connection.ts).
  if (!isSchema(before) || !isSchema(after) || indent.length >= 4 + 2 * MAX_DEPTH) return wasNow(before, after, canonical, indent);
  const lines: string[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (canonical(a) === canonical(b)) continue;
    if (key === 'properties' && (propertiesOf(before) || propertiesOf(after))) {
      const pa = propertiesOf(before) ?? {};
      const pb = propertiesOf(after) ?? {};
      for (const name of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
        const x = Object.hasOwn(pa, name) ? pa[name] : undefined;
        const y = Object.hasOwn(pb, name) ? pb[name] : undefined;
        if (canonical(x) === canonical(y)) continue;
        if (x === undefined) lines.push(`${indent}+ ${path}${name}: ${summary(y, canonical)}`);
        else if (y === undefined) lines.push(`${indent}- ${path}${name}`);
        else lines.push(`${indent}~ ${path}${name}`, ...schemaChangeLines(x, y, canonical, `${indent}  `, ''));
      }
    } else if (key === 'items' && isSchema(a) && isSchema(b)) {
      lines.push(`${indent}~ items`, ...schemaChangeLines(a, b, canonical, `${indent}  `, ''));
    } else {
      lines.push(`${indent}~ ${path}${key}`, ...wasNow(a, b, canonical, `${indent}  `));
    }
  }
  return lines;
}

function wasNow(before: unknown, after: unknown, canonical: Canonical, indent: string): string[] {
  const text = (v: unknown) => (typeof v === 'string' ? v : canonical(v));
  if (before === undefined || after === undefined) {
    return [`${indent}was: ${before === undefined ? '(none)' : clip(text(before))}`, `${indent}now: ${after === undefined ? '(none)' : clip(text(after))}`];
  }
  const { was, now } = changedText(text(before), text(after));
  return [`${indent}was: ${was}`, `${indent}now: ${now}`];
}

/**
 * The lines of one changed key of a tool's pinned definition (`~ tool X: key changed` and what
 * follows): schemas property by property, anything else as was/now cut to where they differ.
 */
export function definitionChangeLines(tool: string, key: string, before: unknown, after: unknown, canonical: Canonical): string[] {
  const head = `~ tool ${tool}: ${key} changed`;
  if ((key === 'inputSchema' || key === 'outputSchema') && isSchema(before) && isSchema(after)) return [head, ...schemaChangeLines(before, after, canonical)];
  return [head, ...wasNow(before, after, canonical, '    ')];
}
