import { isCoreError } from '../base/errors/core-error.js';
import { CliError } from './cli-error.js';
import { formatCommandHelp, usageFor, valueOptions, wantsHelp } from './command-help.js';
import type { CliContext, Command } from './command.js';
import { toOneLine } from './format/one-line.js';
import { systemErrorLine } from './system-error-line.js';

/**
 * Load and run one sub-command and return its exit code: 0 ok, 1 failure, 2 usage.
 * Every error becomes one line on stderr (`keybroker NAME: …`); stack traces are for bugs
 * only. Shared by `runCli` and the status bundle (src/cli/status-main.ts), so both report
 * errors alike. `ctx.argv` is the command's own arguments (without its name).
 * `--help` or `-h` anywhere in them (except as an option's value) prints the command's usage on stdout and exits 0 before
 * the command runs: nothing is read from stdin (`--password-stdin`), no host is started or
 * asked, nothing is written.
 */
export async function runCommand(name: string, load: () => Promise<Command>, ctx: CliContext): Promise<number> {
  try {
    const command = await load();
    // Not as an option's value (`--user -h`): parseArgs refuses that (exit 2) in command.run.
    if (wantsHelp(ctx.argv, valueOptions(command.usage))) return printCommandHelp(command, ctx.argv, ctx);
    return await command.run(ctx);
  } catch (e) {
    if (e instanceof CliError) {
      ctx.stderr.write(`keybroker ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    if (isCoreError(e)) {
      ctx.stderr.write(`keybroker ${name}: ${e.message}\n`);
      return 1;
    }
    const system = systemErrorLine(e);
    if (system !== undefined) {
      ctx.stderr.write(`keybroker ${name}: ${toOneLine(system)}\n`);
      return 1;
    }
    ctx.stderr.write(`keybroker ${name}: unexpected error: ${(e as Error)?.message ?? String(e)}; please report it with 'keybroker audit --json' output\n`);
    return 1;
  }
}

/**
 * `keybroker help COMMAND [SUB...]` and `keybroker COMMAND [SUB...] --help`: the command's
 * forms that fit `argv` (command-help.ts, usageFor) and its summary, on stdout; exit 0.
 */
export function printCommandHelp(command: Command, argv: readonly string[], ctx: Pick<CliContext, 'stdout'>): number {
  ctx.stdout.write(formatCommandHelp(usageFor(command.name, command.usage, argv), command.summary));
  return 0;
}
