import type { CliContext, Command } from './command.js';
import { didYouMean } from './did-you-mean.js';
import { printCommandHelp, runCommand } from './run-command.js';

/**
 * Every sub-command, in the order `keybroker help` lists them, each loaded on first use.
 * Issue 17 item 6: a command pays only for its own
 * modules, so `keybroker status` does not evaluate the MCP SDK, the keyring addon's loader
 * or the other commands' zod schemas before its first byte (docs/PERFORMANCE.md). The
 * bundle is built with esbuild's code splitting, so each `import()` is a chunk on disk.
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  endpoint: async () => (await import('./commands/endpoint.js')).endpointCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  lock: async () => (await import('./commands/lock.js')).lockCommand,
  approvals: async () => (await import('./commands/approvals.js')).approvalsCommand,
  approve: async () => (await import('./commands/approve.js')).approveCommand,
  deny: async () => (await import('./commands/deny.js')).denyCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  call: async () => (await import('./commands/call.js')).callCommand,
  tools: async () => (await import('./commands/tools.js')).toolsCommand,
  policy: async () => (await import('./commands/policy.js')).policyCommand,
  restart: async () => (await import('./commands/restart.js')).restartCommand,
  bridge: async () => (await import('./commands/bridge.js')).bridgeCommand,
  http: async () => (await import('./commands/http.js')).httpCommand,
  claude: async () => (await import('./commands/claude.js')).claudeCommand,
  version: async () => (await import('./commands/version.js')).versionCommand,
};

/** Top-level options that stand for a command: `keybroker --version` is `keybroker version`. */
const COMMAND_ALIASES: Readonly<Record<string, string>> = { '--version': 'version', '-V': 'version' };

/** Every sub-command, loaded (for `keybroker help`, which shows them all). */
export async function loadCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMAND_LOADERS).map((load) => load()));
}

async function helpText(): Promise<string> {
  const lines = ['usage: keybroker <command> [options]', "one command's usage: keybroker help COMMAND, or keybroker COMMAND --help", ''];
  // Usage forms can be long (endpoint add), so the summary goes on its own indented line.
  for (const c of await loadCommands()) lines.push(...c.usage.map((u) => `  ${u}`), `      ${c.summary}`, '');
  return lines.join('\n');
}

/**
 * Run one CLI invocation and return its exit code: 0 ok, 1 failure, 2 usage.
 * Every error becomes one line on stderr; stack traces are for bugs only.
 * `help`, `--help`, `-h`: the command list; `help COMMAND [SUB...]`: one command's forms (as
 * `COMMAND [SUB...] --help`, runCommand); `--version`, `-V`: the `version` command.
 */
export async function runCli(ctx: CliContext): Promise<number> {
  const [first, ...rest] = ctx.argv;
  if (!first || first === '--help' || first === '-h' || (first === 'help' && (rest.length === 0 || rest[0] === '--help' || rest[0] === '-h'))) {
    // No command at all is a usage error (the list goes to stderr); asking for help is not.
    (first ? ctx.stdout : ctx.stderr).write(await helpText());
    return first ? 0 : 2;
  }
  if (first === 'help') {
    // `keybroker help COMMAND [SUB...]`: what `keybroker COMMAND [SUB...] --help` prints.
    const [name = '', ...words] = rest;
    const load = findLoader(name, ctx);
    return load ? printCommandHelp(await load(), words, ctx) : 2;
  }
  const name = Object.hasOwn(COMMAND_ALIASES, first) ? COMMAND_ALIASES[first]! : first;
  const load = findLoader(name, ctx);
  return load ? runCommand(name, load, { ...ctx, argv: rest }) : 2;
}

/** The loader of command `name`, or undefined once the usage error (with the nearest names) is on stderr. */
function findLoader(name: string, ctx: CliContext): (() => Promise<Command>) | undefined {
  const load = Object.hasOwn(COMMAND_LOADERS, name) ? COMMAND_LOADERS[name] : undefined;
  if (!load) {
    // `--verison` finds `--version`, `-v` finds `-V`: the aliases are names too.
    const hint = didYouMean(name, [...Object.keys(COMMAND_LOADERS), ...Object.keys(COMMAND_ALIASES), '--help']);
    ctx.stderr.write(`keybroker: unknown command "${name}"${hint || "; run 'keybroker help' for the list"}\n`);
  }
  return load;
}
