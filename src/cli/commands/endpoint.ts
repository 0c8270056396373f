import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { didYouMean } from '../did-you-mean.js';
import { runEndpointAdd } from './endpoint-add.js';
import { endpointAddUsages } from '../endpoint-input.js';
import { ENDPOINT_LIST_USAGE, runEndpointList } from './endpoint-list.js';
import { ENDPOINT_REMOVE_USAGE, runEndpointRemove } from './endpoint-remove.js';
import { endpointUpdateUsage, runEndpointUpdate } from './endpoint-update.js';

const SUBCOMMANDS: Readonly<Record<string, (ctx: CliContext, argv: readonly string[]) => Promise<number>>> = {
  add: runEndpointAdd,
  update: runEndpointUpdate,
  list: runEndpointList,
  remove: runEndpointRemove,
};

/** `keybroker endpoint add|update|list|remove`: manage upstreams and their keychain credentials. */
export const endpointCommand: Command = {
  name: 'endpoint',
  // A getter: a kind registered at start-up brings its own `add` line (base/kinds/registry.ts).
  get usage() {
    return [...endpointAddUsages(), endpointUpdateUsage(), ENDPOINT_LIST_USAGE, ENDPOINT_REMOVE_USAGE];
  },
  summary: 'add, update, list or remove vSphere / P6 endpoints (passwords go to the OS keychain; add and update test the login)',
  async run(ctx: CliContext): Promise<number> {
    const [sub, ...rest] = ctx.argv;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) {
      const hint = sub === undefined ? '' : didYouMean(sub, Object.keys(SUBCOMMANDS));
      throw usageError(`expected ${Object.keys(SUBCOMMANDS).join(', ')} after "endpoint"${hint}; run 'keybroker help' for the forms`);
    }
    return run(ctx, rest);
  },
};
