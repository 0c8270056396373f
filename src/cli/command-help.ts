// `keybroker COMMAND --help` and `keybroker help COMMAND`: one command's usage on stdout.
// Node built-ins only and no imports of ours, so the bridge bundle (dist/cli/bridge.cjs,
// built-ins only) and the status bundle can print it too.

/** The options that ask for a command's usage, anywhere among its arguments. */
const HELP_OPTIONS: ReadonlySet<string> = new Set(['--help', '-h']);

/**
 * True when `argv` (a command's own arguments) asks for its usage: `--help` or `-h` anywhere
 * before a `--` (after it, every word is an operand). No command has an option or value that
 * could be `--help` or `-h` itself (parseArgs refuses an option-like value anyway).
 */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (HELP_OPTIONS.has(a)) return true;
  }
  return false;
}

/**
 * The usage lines of `name` that fit the words given before any option: `endpoint add --help`
 * shows the two `endpoint add` forms and `endpoint add p6 --help` only the P6 one, while
 * `status --help` or `approve abc --help` (no form starts with `abc`) show every form.
 */
export function usageFor(name: string, usage: readonly string[], argv: readonly string[]): readonly string[] {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = words.length; n > 0; n--) {
    const prefix = ['keybroker', name, ...words.slice(0, n)].join(' ');
    const fit = usage.filter((u) => u === prefix || u.startsWith(`${prefix} `));
    if (fit.length > 0) return fit;
  }
  return usage;
}

/**
 * A command's help text: `usage:` and its forms, one per line, then its summary.
 * `keybroker help COMMAND` and `keybroker COMMAND --help` print the same.
 */
export function formatCommandHelp(usage: readonly string[], summary: string): string {
  const lines = usage.map((u, i) => `${i === 0 ? 'usage: ' : '       '}${u}`);
  return `${lines.join('\n')}\n\n${summary}\n`;
}
