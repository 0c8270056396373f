import type { EndpointStatus, HostStatus } from '../../base/contracts/broker-status.js';
import { HostNotRunningError } from '../../base/errors/host-not-running-error.js';
import { resolveHome } from '../../platform/config/home.js';
import type { CliContext, Command } from '../command.js';
import { formatClock } from '../format/clock.js';
import { formatTable } from '../format/table.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { nowOf } from '../services.js';
import { withHost } from '../with-host.js';

const USAGE = 'keybroker status [--json]';

/**
 * What status looks like with no host: everything from config.json, every endpoint locked.
 * The config store (and with it the config.json schema, the largest zod contract) is
 * imported on this path only: with a host running, status never builds it (issue 17 item 6).
 */
export async function offlineStatus(home: string): Promise<HostStatus> {
  const { ConfigStore } = await import('../../platform/config/config-store.js');
  const config = new ConfigStore(home).load();
  return {
    host: { running: false, home },
    endpoints: config.endpoints.map((e) => ({ id: e.id, kind: e.kind, url: e.url, credential: e.credential, readOnly: e.readOnly, lock: 'locked' as const })),
    children: [],
    pendingApprovals: 0,
  };
}

function lockText(e: EndpointStatus, now: number): string {
  if (e.lock === 'locked') return 'locked';
  if (e.lock === 'once') return 'unlocked once';
  return e.unlockedUntil === undefined ? 'unlocked' : `unlocked until ${formatClock(e.unlockedUntil, now)}`;
}

function renderStatus(s: HostStatus, now: number, unanswered = false): string {
  const out: string[] = [];
  if (s.host.running) {
    const since = s.host.startedAt === undefined ? '' : `, since ${formatClock(s.host.startedAt, now)}`;
    const version = s.host.version === undefined ? '' : `, version ${s.host.version}`;
    out.push(`KeyBroker is running (pid ${s.host.pid ?? '?'}${since}${version}); home ${s.host.home}`);
    if (s.host.isolation !== undefined) out.push(`isolation: ${s.host.isolation}${s.host.isolation === 'none' ? ' (server children run as your user and could read your keychain; see SECURITY.md)' : ''}`);
  } else if (unanswered) {
    // The warning on stderr names the host that holds the home; "start it" would be refused.
    out.push(`KeyBroker does not answer (see the warning above); home ${s.host.home}. This is config.json's view`);
  } else if (s.endpoints.length === 0) {
    // A first run: one next step, in the order it is taken (add, then serve).
    out.push(`KeyBroker is not running; home ${s.host.home}. No endpoints yet: add one with 'keybroker endpoint add vsphere NAME --url URL --user U --password-stdin', then start it with 'keybroker serve'`);
    return out.join('\n') + '\n';
  } else {
    out.push(`KeyBroker is not running; home ${s.host.home}. Every endpoint is locked; start it with 'keybroker serve'`);
  }
  out.push('');
  if (s.endpoints.length === 0) out.push("no endpoints; add one with 'keybroker endpoint add vsphere NAME --url URL --user U --password-stdin'");
  else {
    const rows = s.endpoints.map((e) => [
      e.id,
      e.kind,
      e.credential,
      lockText(e, now),
      e.session ? `logged in ${formatClock(e.session.loggedInAt, now)}, expires ${formatClock(e.session.expiresAt, now)}` : '-',
    ]);
    out.push(formatTable(['ENDPOINT', 'KIND', 'CREDENTIAL', 'LOCK', 'SESSION'], rows).trimEnd());
  }
  if (s.host.running) {
    out.push('');
    if (s.children.length === 0) out.push('no servers running');
    else out.push(formatTable(['SERVER', 'STATE', 'PID', 'RESTARTS'], s.children.map((c) => [c.name, c.state, c.pid === undefined ? '-' : String(c.pid), String(c.restarts)])).trimEnd());
    // What a config.json server's approval holds for (D264).
    for (const c of s.children) {
      if (c.code === 'approved') out.push(`${c.name} (config.json): runs its module as approved; files it loads are read from disk, so only a one-file bundle runs all as approved`);
      else if (c.code === 'disk') out.push(`${c.name} (config.json): its module is read from disk when it loads, so a change after the approval's read is not caught (see SECURITY.md)`);
    }
    out.push('', `pending approvals: ${s.pendingApprovals}${s.pendingApprovals > 0 ? " (see 'keybroker approvals')" : ''}`);
  }
  return out.join('\n') + '\n';
}

/** `keybroker status [--json]`: the host's view, or config.json's when no host runs (exit 0 either way). */
export const statusCommand: Command = {
  name: 'status',
  usage: [USAGE],
  summary: 'endpoints with lock state and expiry, sessions, servers, pending approvals',
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } }, USAGE);
    takePositionals(positionals, [], USAGE);
    const home = resolveHome(ctx.env);
    let status: HostStatus;
    let unanswered = false;
    try {
      status = await withHost(ctx, (client) => client.call('status'));
    } catch (e) {
      if (!(e instanceof HostNotRunningError)) throw e;
      // A host holds the home but does not answer: the offline view below would say "start it".
      if (e.holder) ctx.stderr.write(`keybroker status: warning: ${e.message}\n`);
      unanswered = e.holder !== undefined;
      status = await offlineStatus(home);
    }
    ctx.stdout.write(values.json ? JSON.stringify(status, null, 2) + '\n' : renderStatus(status, nowOf(ctx), unanswered));
    return 0;
  },
};
