import type { ApprovalRequest } from '../../base/contracts/approval.js';
import { formatDuration } from '../../base/duration.js';
import { toOneLine } from './one-line.js';

/** Longest WHAT cell: enough to recognise the call, short enough for one terminal line. */
export const MAX_WHAT_CHARS = 80;

/** Compact JSON when the preview parses (the host pretty-prints it), else the text as is. */
function compactArgs(preview: string): string {
  try {
    return JSON.stringify(JSON.parse(preview));
  } catch {
    return preview;
  }
}

/**
 * One line saying what an approval would allow: `unlock endpoint:vc1 at vc1.corp.example for 4h`
 * (` +` after the host when the credential goes to more servers: the line under the table
 * names them all, see {@link describePlan}), a write's plan
 * summary (issue 11: the summary first), or `tool vsphere_power {"action":"off",...` for a
 * tool without a plan. Security: tool arguments and plans come from the MCP client and the
 * server, so the line is stripped of newlines, control and bidi characters before it is cut,
 * and a hostile value cannot forge rows or escape sequences. With `serverNamed` (the caller put
 * {@link configServerLine} before it) an unlock of a server config.json added does not say
 * `config.json server: ` a second time.
 */
export function describeApproval(a: ApprovalRequest, options: { readonly serverNamed?: boolean } = {}): string {
  // `serverNamed`: the line already starts with configServerLine (keybroker serve's), which says it.
  const text = a.subject.kind === 'unlock'
    ? `${a.subject.fromConfig && !options.serverNamed ? 'config.json server: ' : ''}${a.subject.unbound ? 'bind and ' : ''}unlock ${a.subject.credential} at ${a.subject.hosts[0] ?? '?'}${a.subject.hosts.length > 1 || a.subject.moreHosts ? ' +' : ''} for ${formatDuration(a.subject.ttlSeconds)}`
    : a.subject.kind === 'definition'
      ? `changed tool definitions of ${a.server}: ${a.subject.tools.join(', ')}`
      : a.subject.kind === 'policy'
        ? `policy: ${a.subject.loosenings[0]}`
      : a.subject.plan
        ? a.subject.plan.summary
        : `tool ${a.subject.tool} ${compactArgs(a.subject.argsPreview)}`;
  return toOneLine(text, MAX_WHAT_CHARS);
}

/**
 * Who asks, as an approval may claim it: the client's own name is only what it said of
 * itself, so it reads "claims to be claude-ai" unless the channel proved it (issue 11).
 */
export function describeClient(a: Pick<ApprovalRequest, 'client' | 'clientVerified'>): string {
  if (!a.client) return '-';
  return toOneLine(a.clientVerified ? a.client : `claims to be ${a.client}`, 64);
}

/**
 * The line that names a server config.json added as the requester of an unlock (C7-firstuse):
 * `p6-extra (from config.json, command node /x/index.cjs) asks for pm's session`. Made safe
 * like {@link describeApproval}; the command is whoever wrote config.json's choice.
 * `codeChanged` (D2-modulebytes): this unlock allowed it before with other code; the line says so.
 */
export function configServerLine(server: string, endpoint: string, command: string, codeChanged = false): string {
  // Security (D7-redteam): the command whole, never cut: a cut kept the start a config.json
  // writer chose (padded node options) and dropped the module; the contract bounds its length.
  return toOneLine(`${server} (from config.json, command ${command}) asks for ${endpoint}'s session${codeChanged ? '; its code changed since it was allowed' : ''}`);
}

/** Most plan changes listed under an approval; `--json` has them all. */
export const MAX_CHANGE_LINES = 10;

/**
 * The plan of a tool approval in full, for the lines under the table: the summary, then one
 * line per change ("VM web-01 (vm-42): power state poweredOn → poweredOff"). For an unlock,
 * the servers its password goes to (Y7-bindpw), and, for a password with no recorded servers
 * yet, that approving binds it to them (D222); first, for a server config.json added, which
 * server and command asks (C7-firstuse). Empty for a tool without a plan or reasons.
 * Each line is made safe like {@link describeApproval}.
 */
export function describePlan(a: ApprovalRequest): string[] {
  if (a.subject.kind === 'unlock') {
    const more = a.subject.moreHosts ? ` and ${a.subject.moreHosts} more` : '';
    const lines = [`${a.id}  ${toOneLine(`the password of ${a.subject.credential} goes to: ${a.subject.hosts.join(', ')}${more}`, 2400)}`];
    // C7-firstuse: a server config.json added is named as such, with its command, first.
    if (a.subject.fromConfig) lines.unshift(`${a.id}  ${configServerLine(a.server, a.endpoint, a.subject.fromConfig.command, a.subject.fromConfig.codeChanged)}`);
    // D222: approving a password with no recorded servers binds it to these.
    if (a.subject.unbound) lines.push(`          ${toOneLine(`this password has no recorded servers yet; approving binds it to ${a.subject.hosts.join(', ')}${more}, and it goes nowhere else after that`, 2400)}`);
    return lines;
  }
  if (a.subject.kind === 'definition') {
    const diff = a.subject.diff.split('\n').filter(Boolean);
    const lines = [`${a.id}  ${toOneLine(`the ${a.server} server's tool definitions differ from the pinned ones; approving pins these`, 400)}`];
    for (const line of diff.slice(0, MAX_CHANGE_LINES * 2)) lines.push(`          ${toOneLine(line, 200)}`);
    if (diff.length > MAX_CHANGE_LINES * 2) lines.push(`          … ${diff.length - MAX_CHANGE_LINES * 2} more lines (see --json)`);
    return lines;
  }
  if (a.subject.kind === 'policy') {
    // D1-policyconsent: what config.json now lets run without asking, every line (allowing accepts them all).
    const lines = [`${a.id}  ${toOneLine('config.json changed the policy so that changes run without asking; allow these rules?', 400)}`];
    for (const line of a.subject.loosenings) lines.push(`          ${toOneLine(line, 400)}`);
    lines.push(`          ${toOneLine(`'keybroker approve ${a.id}' allows them (with the desktop app running, only its window does); 'keybroker deny ${a.id}' keeps every such call asking`, 200)}`);
    return lines;
  }
  const why = (a.subject.reasons ?? []).map((r) => `          ${toOneLine(`asks because: ${r}`, 200)}`);
  if (!a.subject.plan) return why.length ? [`${a.id}  ${toOneLine(`tool ${a.subject.tool}`, 400)}`, ...why] : [];
  const { plan, tool } = a.subject;
  const lines = [`${a.id}  ${toOneLine(plan.summary, 400)}`, ...why];
  for (const c of plan.changes.slice(0, MAX_CHANGE_LINES)) {
    const change = c.before === undefined ? `→ ${c.after ?? '(new)'}` : c.after === undefined ? `${c.before} → (removed)` : `${c.before} → ${c.after}`;
    lines.push(`          ${toOneLine(`${c.object}: ${c.field} ${change}`, 200)}`);
  }
  if (plan.changes.length > MAX_CHANGE_LINES) lines.push(`          … ${plan.changes.length - MAX_CHANGE_LINES} more (see --json)`);
  lines.push(`          ${toOneLine(`tool ${tool}, plan ${plan.hash.slice(0, 12)}; arguments: keybroker approvals --json`, 200)}`);
  return lines;
}
