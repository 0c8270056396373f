import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './cli-error.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` with `strict: true`, turning its errors into one-line usage errors
 * (exit 2) that end with the command's usage line.
 */
export function parseCommandArgs<const O extends OptionsConfig>(argv: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      // Node's messages go on with advice about `--`; the first sentence is the useful part.
      const first = (e as Error).message.split(/\.\s/)[0] ?? 'invalid arguments';
      throw usageError(`${first}; usage: ${usage}`);
    }
    throw e;
  }
}

/** Exactly `names.length` positionals, else a usage error naming the first missing one. */
export function takePositionals(positionals: readonly string[], names: readonly string[], usage: string, optional = 0): string[] {
  const required = names.length - optional;
  if (positionals.length < required) throw usageError(`missing ${names[positionals.length]}; usage: ${usage}`);
  if (positionals.length > names.length) throw usageError(`unexpected argument "${positionals[names.length]}"; usage: ${usage}`);
  return [...positionals];
}
