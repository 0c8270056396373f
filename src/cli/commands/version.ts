import { KEYBROKER_VERSION } from '../../base/version.js';
import type { CliContext, Command } from '../command.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';

const USAGE = 'keybroker version [--json]';

/**
 * `keybroker version [--json]` (also `keybroker --version` and `-V`): `keybroker 0.2.0`, the
 * version this CLI was built from (package.json at build time, src/base/version.ts), on one
 * line; `--json` prints `{"version": "0.2.0"}`. Local only: the running host's version is in
 * `keybroker status --json` (`host.version`).
 */
export const versionCommand: Command = {
  name: 'version',
  usage: [USAGE, 'keybroker --version|-V [--json]'],
  summary: 'print the version of this keybroker (what a bug report needs)',
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } }, USAGE);
    takePositionals(positionals, [], USAGE);
    ctx.stdout.write(values.json ? `${JSON.stringify({ version: KEYBROKER_VERSION }, null, 2)}\n` : `keybroker ${KEYBROKER_VERSION}\n`);
    return 0;
  },
};
