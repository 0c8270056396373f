import { BRIDGE_SUMMARY, BRIDGE_USAGE, runBridge } from '../bridge/run-bridge.js';
import type { CliContext, Command } from '../command.js';

/**
 * `keybroker bridge SERVER`: stdio ↔ the host's gateway socket. bin/keybroker.js loads the
 * CommonJS bundle dist/cli/bridge.cjs directly for speed; this entry makes the same code
 * reachable (and listed) from the full CLI.
 */
export const bridgeCommand: Command = {
  name: 'bridge',
  usage: [BRIDGE_USAGE],
  summary: BRIDGE_SUMMARY,
  run: (ctx: CliContext) => runBridge({ argv: ctx.argv, env: ctx.env, stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr }),
};
