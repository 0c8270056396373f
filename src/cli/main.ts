import { CliError } from './cli-error.js';
import type { CliContext, Command } from './command.js';
import { isCoreError } from '../core/common/errors/core-error.js';
import { didYouMean } from './did-you-mean.js';
import { serveCommand } from './commands/serve.js';
import { endpointCommand } from './commands/endpoint.js';
import { statusCommand } from './commands/status.js';
import { lockCommand } from './commands/lock.js';
import { approvalsCommand } from './commands/approvals.js';
import { approveCommand } from './commands/approve.js';
import { denyCommand } from './commands/deny.js';
import { auditCommand } from './commands/audit.js';
import { httpCommand } from './commands/http.js';
import { bridgeCommand } from './commands/bridge.js';
import { claudeCommand } from './commands/claude.js';
import { callCommand } from './commands/call.js';
import { restartCommand } from './commands/restart.js';
import { toolsCommand } from './commands/tools.js';
import { policyCommand } from './commands/policy.js';

/** Every sub-command, in the order `keybroker help` lists them. */
export const COMMANDS: readonly Command[] = [serveCommand, endpointCommand, statusCommand, lockCommand, approvalsCommand, approveCommand, denyCommand, auditCommand, callCommand, toolsCommand, policyCommand, restartCommand, bridgeCommand, httpCommand, claudeCommand];

function helpText(): string {
  const lines = ['usage: keybroker <command> [options]', ''];
  // Usage forms can be long (endpoint add), so the summary goes on its own indented line.
  for (const c of COMMANDS) lines.push(...c.usage.map((u) => `  ${u}`), `      ${c.summary}`, '');
  return lines.join('\n');
}

/**
 * Run one CLI invocation and return its exit code: 0 ok, 1 failure, 2 usage.
 * Every error becomes one line on stderr; stack traces are for bugs only.
 */
export async function runCli(ctx: CliContext): Promise<number> {
  const [name, ...rest] = ctx.argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    (name ? ctx.stdout : ctx.stderr).write(helpText());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const hint = didYouMean(name, COMMANDS.map((c) => c.name));
    ctx.stderr.write(`keybroker: unknown command "${name}"${hint || "; run 'keybroker help' for the list"}\n`);
    return 2;
  }
  try {
    return await command.run({ ...ctx, argv: rest });
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
