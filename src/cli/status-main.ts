// Entry point of `keybroker status`, bundled on its own to dist/cli/status-main.js (one file,
// no code splitting; scripts/build.mjs) and imported by src/cli/index.ts when the command is
// `status`: issue 17 item 6, `keybroker status` under 150 ms above a bare node
// (docs/PERFORMANCE.md §1). The command and its error reporting are runCli's own.
import { statusCommand } from './commands/status.js';
import { runCommand } from './run-command.js';
import { runProcess } from './run-process.js';

await runProcess((ctx) => runCommand('status', async () => statusCommand, { ...ctx, argv: ctx.argv.slice(1) }));
