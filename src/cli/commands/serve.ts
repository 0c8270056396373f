import type { Command, CliContext } from '../command.js';
import { configServerLine, describeApproval } from '../format/describe-approval.js';
import { PendingApprovals } from '../../platform/approvals/pending-approvals.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigStore } from '../../platform/config/config-store.js';
import { resolveHome } from '../../platform/config/home.js';
import { composeHost } from '../../platform/host/compose-host.js';
import { Host } from '../../platform/host/host.js';
import { openHomeKeychainFor } from '../services.js';
import { stopReasonOf } from '../stop-reason.js';
import { waitForStop } from '../wait-for-stop.js';

/**
 * `keybroker serve`: the headless host, in the foreground until Ctrl-C. Unlocks and
 * destructive calls are approved with `keybroker approve ID` from another shell.
 * SIGINT, SIGTERM and SIGHUP stop it the same way: every upstream session is logged out,
 * `host.stopped` is audited, and the exit code is 0. A closed stdout/stderr does not stop
 * it; its log lines are dropped (src/cli/index.ts; issue 10 item 6; docs/CLI.md).
 */
export const serveCommand: Command = {
  name: 'serve',
  usage: ['keybroker serve'],
  summary: 'run the host in the foreground (Ctrl-C stops it)',
  async run(ctx: CliContext): Promise<number> {
    if (ctx.argv.length > 0) {
      ctx.stderr.write(`keybroker serve: takes no arguments; usage: keybroker serve\n`);
      return 2;
    }
    const home = resolveHome(ctx.env);
    // This module is bundled into a chunk under dist/cli/ (code splitting puts it in
    // dist/cli/chunks/); the servers are built beside the CLI in dist/mcp/.
    const distDir = path.dirname(cliDir(path.dirname(fileURLToPath(import.meta.url))));
    // Logins and servers of every registered kind (issue 13 item 2): the same call as the app.
    const { logins, servers } = composeHost(new ConfigStore(home).load(), distDir);
    const pending = new PendingApprovals();
    const log = (line: string) => ctx.stderr.write(`[host ${process.pid}] ${line}\n`);
    const opened = await openHomeKeychainFor(ctx);
    const host = await Host.start({
      log,
      servers,
      home,
      keychain: opened.keychain,
      logins,
      approver: pending,
      pending,
    });
    const moved = (opened.migration?.moved.length ?? 0) + (opened.migration?.superseded.length ?? 0);
    if (moved > 0) log(`moved ${moved} keychain item(s) of KeyBroker 0.1 into this home's own namespace`);
    if (opened.migrationError !== undefined) {
      log(`could not yet move this home's keychain items of KeyBroker 0.1 into its own namespace (${(opened.migrationError as Error).message ?? opened.migrationError}); nothing was lost, it is retried at the next start`);
    }
    // Tell the person at the terminal what waits for them, once per request.
    const announced = new Set<string>();
    pending.onDidChange(() => {
      for (const a of pending.list()) {
        if (announced.has(a.id)) continue;
        announced.add(a.id);
        // C7-firstuse: a server config.json added is named with its command.
        const from = a.subject.kind === 'unlock' && a.subject.fromConfig ? `${configServerLine(a.server, a.endpoint, a.subject.fromConfig.command, a.subject.fromConfig.codeChanged)}: ` : '';
        log(`approval ${a.id} waiting: ${from}${describeApproval(a, { serverNamed: from !== '' })}; run 'keybroker approve ${a.id}' (or deny)`);
      }
    });
    // The host stops by itself when its audit cannot be written (D175): serve ends then too, exit 1.
    const auditFailed = new AbortController();
    const failing = host.onDidFailAudit(() => auditFailed.abort());
    try {
      const { endpoints } = await host.status();
      log(`KeyBroker serving from ${home} (${endpoints.length} endpoint(s); servers: ${servers.map((x) => x.name).join(', ') || 'none'}); Ctrl-C to stop`);
      await waitForStop(AbortSignal.any([ctx.stopSignal, auditFailed.signal]));
      if (!auditFailed.signal.aborted) log(`stopping (${stopReasonOf(ctx.stopSignal)}): logging out of every upstream session`);
    } finally {
      failing.dispose();
      // After an audit failure the host is stopping already, with its own reason; this waits for it.
      await host.stop(ctx.stopSignal.aborted ? stopReasonOf(ctx.stopSignal) : 'error');
      pending.dispose();
    }
    return auditFailed.signal.aborted ? 1 : 0;
  },
};

/** The nearest folder named `cli` at or above `dir` (dist/cli whatever the chunk depth). */
function cliDir(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (path.basename(d) === 'cli') return d;
    if (path.dirname(d) === d) return dir;
  }
}
