// Entry point of `keybroker status`, bundled on its own to dist/cli/status.cjs (one CommonJS
// file, no code splitting; scripts/build.mjs) and run by src/cli/status-loader.ts through
// V8's code cache when the command is `status`: issue 17 item 6, `keybroker status` under
// 150 ms above a bare node (docs/PERFORMANCE.md §1). The command and its error reporting are
// runCli's own. CommonJS-safe: no top-level await, no import.meta.
import { statusCommand } from './commands/status.js';
import { runCommand } from './run-command.js';
import { runProcess } from './run-process.js';

void runProcess((ctx) => runCommand('status', async () => statusCommand, { ...ctx, argv: ctx.argv.slice(1) }));
