import { ServerName } from '../../base/contracts/gateway-handshake.js';
import type { PolicyRule, PolicyTestResult, When } from '../../base/contracts/policy.js';
import { describeToolListEntry } from '../../base/policy/tool-list.js';
import { ConfigStore } from '../../platform/config/config-store.js';
import { resolveHome } from '../../platform/config/home.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext, Command } from '../command.js';
import { didYouMean } from '../did-you-mean.js';
import { toOneLine } from '../format/one-line.js';
import { parseCommandArgs, takePositionals } from '../parse-command-args.js';
import { withHost } from '../with-host.js';
import { parseToolArgs } from './call.js';

const LIST_USAGE = 'keybroker policy list [--json]';
const TEST_USAGE = 'keybroker policy test SERVER TOOL [--args JSON] [--json]';

/** `folder=Lab/* and (tags=env:test or …) and time mon-fri 08:00-18:00 Europe/Paris`. */
export function describeWhen(when: When | undefined): string {
  if (!when) return 'always';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(when)) {
    if (key === 'any' || key === 'time' || value === undefined) continue;
    parts.push(`${key}=${Array.isArray(value) ? value.join('|') : String(value)}`);
  }
  if (when.time) parts.push(`time ${when.time.days ? `${when.time.days.join(',')} ` : ''}${when.time.from}-${when.time.to}${when.time.timeZone ? ` ${when.time.timeZone}` : ' (your time zone)'}`);
  if (when.any) parts.push(`(${when.any.map(describeWhen).join(' or ')})`);
  return parts.join(' and ') || 'always';
}

function ruleLine(rule: PolicyRule, index: number): string {
  return toOneLine(`[${index}] ${rule.action.toUpperCase()} ${rule.server}/${rule.tool} on ${rule.endpoint} when ${describeWhen(rule.when)}: ${rule.reason}`, 400);
}

/** `keybroker policy list`: the rules in the order they are tried, then the limits. */
async function runList(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, LIST_USAGE);
  takePositionals(positionals, [], LIST_USAGE);
  const { policy } = new ConfigStore(resolveHome(ctx.env)).load();
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    return 0;
  }
  const lines = ['rules (the first that matches decides; none matching: every change asks, reads run):'];
  if (policy.rules.length === 0) lines.push('  none; add them under "policy.rules" in config.json (see docs/CLI.md)');
  policy.rules.forEach((r, i) => lines.push(`  ${ruleLine(r, i)}`));
  if (policy.approve.length) lines.push(`always ask: ${policy.approve.map(describeToolListEntry).join(', ')}`);
  if (policy.allow.length) lines.push(`changes allowed without asking: ${policy.allow.map(describeToolListEntry).join(', ')}${policy.allow.some((e) => typeof e === 'string' && !e.includes('/')) ? ' (a name without server/: built-in servers only)' : ''}`);
  lines.push('limits (hitting one makes the call ask, naming the limit):');
  for (const r of policy.limits.rates) lines.push(`  ${toOneLine(`${r.name}: at most ${r.max} per ${r.windowSeconds} s per endpoint (${r.tools.join(', ')})`, 300)}`);
  lines.push(`  objects per call: at most ${policy.limits.maxObjectsPerCall}`);
  lines.push(`  breaker: ${policy.limits.breaker.failures} upstream failures in a row on an endpoint hold its calls for ${policy.limits.breaker.coolDownSeconds} s`);
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The human form of a `policy test` answer: the decision first, then why. */
export function describePolicyTest(r: PolicyTestResult): string[] {
  if (r.error) return [`no decision: the call would fail first: ${toOneLine(r.error, 400)}`];
  const who = r.rule === undefined ? 'default' : `policy.rules[${r.rule}]`;
  const verdict = r.decision === 'allow' && (r.limits.length || r.definitionChanged) ? 'ALLOW by rule, but it would ASK' : r.decision.toUpperCase();
  const lines = [`${verdict} (${who}): ${toOneLine(r.reason, 400)}`];
  if (r.endpoint) lines.push(`  endpoint: ${r.endpoint}`);
  if (r.plan) {
    lines.push(`  plan: ${toOneLine(r.plan.summary, 300)}`);
    (r.plan.facts ?? []).forEach((f, i) => {
      const text = Object.entries(f).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`).join(' ');
      lines.push(`  facts of ${toOneLine(r.plan?.objects[i] ?? `target ${i + 1}`, 120)}: ${toOneLine(text, 400) || '(none)'}`);
    });
  } else lines.push('  no plan (a read): rules with inventory conditions cannot match it');
  for (const u of r.unevaluated) lines.push(`  skipped policy.rules[${u.rule}]: could not check ${toOneLine(u.missing, 100)}`);
  for (const l of r.limits) lines.push(`  limit: ${toOneLine(l, 300)}`);
  if (r.definitionChanged) lines.push("  the tool's definition changed since it was pinned: a call waits for that approval first");
  return lines;
}

/** `keybroker policy test SERVER TOOL --args JSON`: which rule decides, on a live plan. */
async function runTest(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { args: { type: 'string' }, json: { type: 'boolean' } }, TEST_USAGE);
  const [server = '', tool = ''] = takePositionals(positionals, ['SERVER', 'TOOL'], TEST_USAGE);
  if (!ServerName.safeParse(server).success) throw usageError(`SERVER must be a server name such as vsphere or p6; usage: ${TEST_USAGE}`);
  const args = parseToolArgs(values.args as string | undefined);
  const result = await withHost(ctx, (client) => client.call('policy.test', { server, tool, args }));
  // A call that would fail before any decision is a failure: one line on stderr, stdout empty
  // (as `call` does), so `policy test ... > verdict.txt` never holds an error (D148).
  // `--json` prints the answer as data either way: `error` says why, and exit 1.
  if (result.error && !values.json) throw new CliError(`${describePolicyTest(result)[0]}; fix that and test again`);
  ctx.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${describePolicyTest(result).join('\n')}\n`);
  return result.error ? 1 : 0;
}

const SUBCOMMANDS: Readonly<Record<string, (ctx: CliContext, argv: readonly string[]) => Promise<number>>> = { list: runList, test: runTest };

/** `keybroker policy list|test`: the rules and limits, and which one decides a given call (issue 14). */
export const policyCommand: Command = {
  name: 'policy',
  usage: [LIST_USAGE, TEST_USAGE],
  summary: 'list the policy rules and limits, or test which rule decides a call (on a live plan; nothing runs)',
  async run(ctx: CliContext): Promise<number> {
    const [sub, ...rest] = ctx.argv;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) {
      const hint = sub === undefined ? '' : didYouMean(sub, Object.keys(SUBCOMMANDS));
      throw usageError(`expected list or test after "policy"${hint}; run 'keybroker help' for the forms`);
    }
    return run(ctx, rest);
  },
};
