import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { ENDPOINT_ADD_USAGE, runEndpointAdd } from './endpoint-add.js';
import { ENDPOINT_LIST_USAGE, runEndpointList } from './endpoint-list.js';
import { ENDPOINT_REMOVE_USAGE, runEndpointRemove } from './endpoint-remove.js';

const SUBCOMMANDS: Readonly<Record<string, (ctx: CliContext, argv: readonly string[]) => Promise<number>>> = {
  add: runEndpointAdd,
  list: runEndpointList,
  remove: runEndpointRemove,
};

/** `keybroker endpoint add|list|remove`: manage upstreams and their keychain credentials. */
export const endpointCommand: Command = {
  name: 'endpoint',
  usage: [...ENDPOINT_ADD_USAGE, ENDPOINT_LIST_USAGE, ENDPOINT_REMOVE_USAGE],
  summary: 'add, list or remove vSphere / P6 endpoints (passwords go to the OS keychain)',
  async run(ctx: CliContext): Promise<number> {
    const [sub, ...rest] = ctx.argv;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw usageError(`expected add, list or remove after "endpoint"; run 'keybroker help' for the forms`);
    return run(ctx, rest);
  },
};
