import { ServerName } from '../../base/contracts/gateway-handshake.js';
import { ControlRemoteError } from '../../platform/control/control-errors.js';
import { ServerNotFoundError } from '../../platform/supervisor/server-not-found-error.js';
import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { didYouMean } from '../did-you-mean.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { withHost } from '../with-host.js';

const USAGE = 'keybroker restart SERVER';

/**
 * `keybroker restart SERVER`: a fresh process for one MCP server, also one the supervisor gave
 * up on after a crash loop. Unlocks and upstream sessions live in the host, so they stay.
 */
export const restartCommand: Command = {
  name: 'restart',
  usage: [USAGE],
  summary: 'restart one server (e.g. after a crash loop) without dropping unlocks',
  async run(ctx: CliContext): Promise<number> {
    const { positionals } = parseCommandArgs(ctx.argv, {}, USAGE);
    const [server = ''] = takePositionals(positionals, ['SERVER'], USAGE);
    if (!ServerName.safeParse(server).success) throw usageError(`SERVER must be a server name such as vsphere or p6; usage: ${USAGE}`);
    const status = await withHost(ctx, async (client) => {
      try {
        return await client.call('server.restart', { server });
      } catch (e) {
        if (!(e instanceof ControlRemoteError) || e.remoteCode !== new ServerNotFoundError('').code) throw e;
        const names = (await client.call('status')).children.map((c) => c.name);
        throw usageError(`no server named "${server}"${didYouMean(server, names) || `; the servers are ${names.join(', ')}`}`);
      }
    });
    ctx.stdout.write(`restarted ${status.name}${status.pid === undefined ? '' : ` (pid ${status.pid})`}; state ${status.state}; unlocks kept\n`);
    return 0;
  },
};
