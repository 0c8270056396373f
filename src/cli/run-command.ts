import { isCoreError } from '../base/errors/core-error.js';
import { CliError } from './cli-error.js';
import type { CliContext, Command } from './command.js';

/**
 * Load and run one sub-command and return its exit code: 0 ok, 1 failure, 2 usage.
 * Every error becomes one line on stderr (`keybroker NAME: …`); stack traces are for bugs
 * only. Shared by `runCli` and the status bundle (src/cli/status-main.ts), so both report
 * errors alike. `ctx.argv` is the command's own arguments (without its name).
 */
export async function runCommand(name: string, load: () => Promise<Command>, ctx: CliContext): Promise<number> {
  try {
    const command = await load();
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
    ctx.stderr.write(`keybroker ${name}: unexpected error: ${(e as Error)?.message ?? String(e)}; please report it with 'keybroker audit --json' output\n`);
    return 1;
  }
}
