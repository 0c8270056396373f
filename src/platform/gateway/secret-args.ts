import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/**
 * The JSON-schema key that marks a tool argument secret (issue 11; DECISIONS "secret
 * arguments"). A zod schema sets it with `.meta({ 'x-keybroker-secret': true })`, which the
 * SDK carries into the tool's `inputSchema`. Top-level arguments only.
 */
export const SECRET_SCHEMA_KEY = 'x-keybroker-secret';

/** What a secret argument's value is shown as. */
export const SECRET_PLACEHOLDER = '[secret]';

const NO_NAMES: readonly string[] = Object.freeze([]);
/** Each tool schema's secret names, read once (E1-gwspeed: an `Object.entries` walk per call before). */
const namesOfSchema = new WeakMap<object, readonly string[]>();

/**
 * Names of the tool's arguments whose schema marks them secret. Read once per `properties`
 * object (a tool's definition as its child listed it, which nothing changes afterwards), and
 * frozen, since every call of that tool shares the list.
 */
export function secretArgNames(tool: Pick<Tool, 'inputSchema'>): readonly string[] {
  const props: unknown = tool.inputSchema.properties;
  // Not an object (the SDK's schema says it is): no entry holds a schema object, so no names.
  if (typeof props !== 'object' || props === null) return NO_NAMES;
  let names = namesOfSchema.get(props);
  if (!names) {
    names = Object.freeze(Object.entries(props)
      .filter(([, schema]) => typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[SECRET_SCHEMA_KEY] === true)
      .map(([name]) => name));
    namesOfSchema.set(props, names);
  }
  return names;
}

/** The arguments with every secret value replaced by {@link SECRET_PLACEHOLDER}, for display. */
export function maskSecretArgs(args: Record<string, unknown> | undefined, names: readonly string[]): Record<string, unknown> | undefined {
  if (!args || names.length === 0) return args;
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, names.includes(k) && v !== undefined ? SECRET_PLACEHOLDER : v]));
}

/** The secret values of a call, as text a record could contain them in. */
export function secretArgValues(args: Record<string, unknown> | undefined, names: readonly string[]): string[] {
  if (!args) return [];
  const out: string[] = [];
  for (const n of names) {
    const v = args[n];
    if (v === undefined || v === null) continue;
    out.push(typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out.filter((s) => s.length > 0);
}

/**
 * `text`, or `[redacted]` when it contains a secret value (whole field, as the audit log
 * does, so nothing hints at the secret's length or place). Security: plan summaries are
 * written by the child and may quote arguments.
 */
export function withoutSecretValues(text: string, secrets: readonly string[]): string {
  return secrets.some((s) => text.includes(s)) ? '[redacted]' : text;
}

/**
 * `text` with every secret value replaced by {@link SECRET_PLACEHOLDER}, for what a person
 * sees on screen (the approval's plan); the audit drops the whole field instead.
 */
export function maskSecretValues(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => t.split(s).join(SECRET_PLACEHOLDER), text);
}
