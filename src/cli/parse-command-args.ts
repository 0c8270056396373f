import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError, type CliError } from './cli-error.js';
import { didYouMean } from './did-you-mean.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` with `strict: true`, turning its errors into one-line usage errors
 * (exit 2) that end with the command's usage line. An option that takes one value given
 * twice is refused too (refuseRepeatedValues).
 */
export function parseCommandArgs<const O extends OptionsConfig>(argv: readonly string[], options: O, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    throw toParseUsageError(e, options, usage);
  }
  refuseRepeatedValues(parsed.tokens, options, usage);
  const { values, positionals } = parsed;
  return { values, positionals };
}

/**
 * An option that takes one value (`type: 'string'` without `multiple`) given twice is a
 * usage error naming it: `util.parseArgs` keeps the last one silently, so `--url A ... --url
 * B` (a script that appends its defaults, a copy-and-paste) would save an endpoint the user
 * did not read (D143). A repeated boolean means the same thing twice and passes.
 */
export function refuseRepeatedValues(tokens: readonly { readonly kind: string; readonly name?: string; readonly rawName?: string }[], options: OptionsConfig, usage: string): void {
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined) continue;
    const option = options[t.name];
    if (option?.type !== 'string' || option.multiple === true) continue;
    if (seen.has(t.name)) throw usageError(`--${t.name} is given more than once; give it once; usage: ${usage}`);
    seen.add(t.name);
  }
}

/**
 * A `util.parseArgs` failure as a one-line usage error: Node's first sentence, the nearest
 * real option when the name was mistyped (issue 16), and the usage line. Anything that is
 * not a parse error is returned unchanged.
 */
export function toParseUsageError(e: unknown, options: OptionsConfig, usage: string): CliError | unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return e;
  // Node's messages go on with advice about `--`; the first sentence is the useful part.
  const first = (e as Error).message.split(/\.\s/)[0] ?? 'invalid arguments';
  const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2}[^'=]+)/.exec(first)?.[1] : undefined;
  const hint = unknown ? didYouMean(unknown, Object.keys(options).map((k) => `--${k}`)) : '';
  return usageError(`${first}${hint}; usage: ${usage}`);
}

/** Exactly `names.length` positionals, else a usage error naming the first missing one. */
export function takePositionals(positionals: readonly string[], names: readonly string[], usage: string, optional = 0): string[] {
  const required = names.length - optional;
  if (positionals.length < required) throw usageError(`missing ${names[positionals.length]}; usage: ${usage}`);
  if (positionals.length > names.length) throw usageError(`unexpected argument "${positionals[names.length]}"; usage: ${usage}`);
  return [...positionals];
}
