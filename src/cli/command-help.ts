// `keybroker COMMAND --help` and `keybroker help COMMAND`: one command's usage on stdout.
// Node built-ins only and no imports of ours, so the bridge bundle (dist/cli/bridge.cjs,
// built-ins only) and the status bundle can print it too.

/** The options that ask for a command's usage, anywhere among its arguments. */
const HELP_OPTIONS: ReadonlySet<string> = new Set(['--help', '-h']);

/**
 * True when `argv` (a command's own arguments) asks for its usage: `--help` or `-h` anywhere
 * before a `--` (after it, every word is an operand), except as the value of an option that
 * takes one (`takesValue`, from {@link valueOptions}): `--user -h` or `--url --help` is a
 * value gone wrong (an empty variable in a script, say), which parseArgs then refuses as
 * ambiguous (exit 2, as before `--help` existed). Taken as help, the command would exit 0
 * having done nothing, and a script would carry on as if the endpoint had been added.
 */
export function wantsHelp(argv: readonly string[], takesValue: ReadonlySet<string> = new Set()): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    if (HELP_OPTIONS.has(a) && !(i > 0 && takesValue.has(argv[i - 1]!))) return true;
  }
  return false;
}

/**
 * The options that take a value in a command's usage forms: an option word not closed by `]`
 * and followed by a word that is not an option (`--url URL`, `[--port N]`, `--server vsphere|p6]`).
 */
export function valueOptions(usage: readonly string[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const form of usage) {
    const words = form.split(/\s+/).map((w) => w.replace(/^[[(]+/, ''));
    words.forEach((w, i) => {
      const name = /^--?[A-Za-z][\w-]*/.exec(w)?.[0];
      const next = words[i + 1];
      if (name !== undefined && w === name && next !== undefined && next !== '' && !next.startsWith('-') && !next.startsWith('...')) out.add(name);
    });
  }
  return out;
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
