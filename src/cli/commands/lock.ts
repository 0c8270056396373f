import { usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { toOneLine } from '../format/one-line.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { withHost } from '../with-host.js';

const USAGE = 'keybroker lock [NAME]';

/** `keybroker lock [NAME]`: log out and forget the unlock of one endpoint, credential or domain, or of all. */
export const lockCommand: Command = {
  name: 'lock',
  usage: [USAGE],
  summary: 'lock every endpoint now, or only NAME (endpoint, credential id or domain)',
  async run(ctx: CliContext): Promise<number> {
    const { positionals } = parseCommandArgs(ctx.argv, {}, USAGE);
    const [target] = takePositionals(positionals, ['NAME'], USAGE, 1);
    if (target !== undefined && (target.length === 0 || target.length > 300 || toOneLine(target) !== target)) {
      throw usageError('NAME must be an endpoint name, credential id or domain of at most 300 printable characters');
    }
    // The host answers after the upstream logouts (bounded), so a script can trust this line.
    const { locked, notLoggedOut = [] } = await withHost(ctx, (client) => client.call('lock', target === undefined ? {} : { target }));
    ctx.stdout.write(locked.length === 0 ? 'nothing was unlocked\n' : `locked ${locked.map((l) => toOneLine(l)).join(', ')}\n`);
    if (notLoggedOut.length > 0) {
      ctx.stderr.write(`keybroker lock: warning: the upstream logout of ${notLoggedOut.map((e) => toOneLine(e)).join(', ')} failed or timed out; the session will expire on its own (see 'keybroker audit --event session')\n`);
    }
    return 0;
  },
};
