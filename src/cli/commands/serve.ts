import type { Command, CliContext } from '../command.js';
import { ConfigStore } from '../../core/node/config/config-store.js';
import { resolveHome } from '../../core/node/config/home.js';
import { ensurePrivateDir } from '../../core/node/fs/private-dir.js';
import { HostLock } from '../../core/node/host/host-lock.js';
import { waitForStop } from '../wait-for-stop.js';

/** `keybroker serve`: the headless host, in the foreground until Ctrl-C. */
export const serveCommand: Command = {
  name: 'serve',
  usage: ['keybroker serve'],
  summary: 'run the host in the foreground (Ctrl-C stops it)',
  async run(ctx: CliContext): Promise<number> {
    const home = resolveHome(ctx.env);
    ensurePrivateDir(home);
    const store = new ConfigStore(home);
    const config = store.load(); // Fails fast, with the bad field's path, before anything starts.
    const lock = new HostLock(store.paths.lock);
    lock.acquire();
    try {
      ctx.stderr.write(`[host ${process.pid}] KeyBroker serving from ${home} (${config.endpoints.length} endpoint(s)); Ctrl-C to stop\n`);
      await waitForStop(ctx.stopSignal);
      ctx.stderr.write(`[host ${process.pid}] stopping\n`);
    } finally {
      lock.release();
    }
    return 0;
  },
};
