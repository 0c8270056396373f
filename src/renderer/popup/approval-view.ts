import type { ApprovalDecision, ApprovalRequest } from '../../base/contracts/approval.js';
import { sanitizeText } from '../../base/sanitize-text.js';
import { h, type Child } from '../dom.js';
import { previewArgs } from '../truncate.js';
import { clientLabel } from './client-label.js';
import { planTable } from './plan-view.js';

const oneLine = (text: string, maxChars = 200): string => sanitizeText(text, { maxChars });

/** "4 h", "30 min", "1 h 30 min" for the Allow button. */
export function durationLabel(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  if (hours && minutes) return `${hours} h ${minutes} min`;
  return hours ? `${hours} h` : `${minutes} min`;
}

function row(label: string, value: Child, testId: string): HTMLElement {
  return h('div', { class: 'row' }, h('dt', {}, label), h('dd', { 'data-field': testId }, value));
}

/** The parts of a rendered approval that popup.ts drives (arming, countdown, fit). */
export interface ApprovalViewParts {
  readonly root: HTMLElement;
  /** The box the scroller fills, with the "more below" marker over its bottom edge. */
  readonly viewport: HTMLElement;
  /** The scrolling middle: everything but the top bar and the buttons. */
  readonly scroller: HTMLElement;
  /** The content inside the scroller, at its natural height. */
  readonly content: HTMLElement;
  readonly buttons: HTMLElement;
  readonly countdown: HTMLElement;
}

/**
 * One approval, laid out like a macOS security prompt: what will happen first (the plan's
 * summary and its before → after table), then who asks, the raw arguments one click away, and
 * the buttons. A call that changes the upstream carries a "This will change vc1" banner and
 * its Allow button is the red one: allowing is the dangerous act, denying is always safe.
 * All values are set as text after the shared sanitizer, so markup stays inert and bidi or
 * invisible characters cannot make a name read differently (issues 7, 11).
 */
export function approvalView(request: ApprovalRequest, position: { index: number; total: number }, later: Child, decide: (d: ApprovalDecision) => void): ApprovalViewParts {
  const subject = request.subject;
  const endpoint = oneLine(request.endpoint, 64);
  const tool = subject.kind === 'tool' ? oneLine(subject.tool, 80) : '';
  const changes = subject.kind === 'tool' && subject.changes;
  const plan = subject.kind === 'tool' ? subject.plan : undefined;

  const server = oneLine(request.server, 64);
  const title = subject.kind === 'unlock'
    // C7-firstuse: a server config.json added is named as the one that gets the session.
    ? subject.fromConfig ? `${server} (from config.json) asks for ${endpoint}'s session` : `Unlock ${endpoint}?`
    : subject.kind === 'definition'
      ? `Accept the changed tools of ${server}?`
      // D1-policyconsent: what the rule does, in plain words, and the question.
      : subject.kind === 'policy'
        ? subject.loosenings.length === 1 ? `${oneLine(subject.loosenings[0]!, 400)}: allow this rule?` : 'config.json now lets changes run without asking: allow these rules?'
      : plan ? oneLine(plan.summary, 400) : `Run ${tool} on ${endpoint}?`;
  const kicker = subject.kind === 'unlock' ? 'Unlock request' : subject.kind === 'definition' ? 'Tool definitions changed' : subject.kind === 'policy' ? 'Policy change from config.json' : changes ? 'Change request' : 'Read request';
  // Why this asks (issue 14): the policy rule, or each blast-radius limit the call hit.
  const reasons = subject.kind === 'tool' && subject.reasons?.length
    ? h('ul', { class: 'reasons', 'data-field': 'reasons' }, ...subject.reasons.map((r) => h('li', {}, oneLine(r, 300))))
    // D1-policyconsent: allowing accepts every loosening, so every one is listed.
    : subject.kind === 'policy' && subject.loosenings.length > 1
      ? h('ul', { class: 'reasons', 'data-field': 'loosenings' }, ...subject.loosenings.map((r) => h('li', {}, oneLine(r, 400))))
      : null;
  // A changed tool set (issue 14): the readable diff, shown as text.
  const diff = subject.kind === 'definition'
    ? h('pre', { class: 'diff', 'data-field': 'diff', tabindex: 0, 'aria-label': 'What changed' }, subject.diff.split('\n').map((l) => oneLine(l, 300)).join('\n'))
    : null;

  const rows: HTMLElement[] = [row('Client', clientLabel(request), 'client')];
  if (subject.kind === 'tool') rows.push(row('Tool', tool, 'tool'));
  if (subject.kind === 'definition') rows.push(row('Changed', oneLine(subject.tools.join(', '), 300), 'tools'));
  rows.push(row('Server', oneLine(request.server, 64), 'server'), row('Endpoint', endpoint, 'endpoint'));
  // C7-firstuse: a server config.json added runs what that file says; the person sees the command.
  // Whole (D7-redteam): a cut kept the start a config.json writer chose (padded node options)
  // and dropped the module, the part that says what runs; the contract bounds its length
  // (MAX_CONFIG_COMMAND_CHARS, not imported: the page carries no zod).
  if (subject.kind === 'unlock' && subject.fromConfig) rows.push(row('Command', sanitizeText(subject.fromConfig.command), 'command'));
  // D2-modulebytes: the allow covers this code (its module and package.json), as the audit names it.
  if (subject.kind === 'unlock' && subject.fromConfig?.codeSha256) rows.push(row('Code', `sha256 ${subject.fromConfig.codeSha256.slice(0, 16)}…`, 'code'));
  if (subject.kind === 'unlock') {
    // Y7-bindpw: where the password goes, so a config pointed at another server is seen.
    const more = subject.moreHosts ? ` and ${subject.moreHosts} more` : '';
    rows.push(
      row('Password goes to', oneLine(subject.hosts.join(', ') + more, 600), 'hosts'),
      row('Credential', oneLine(subject.credential, 200), 'credential'), row('Unlock for', durationLabel(subject.ttlSeconds), 'duration'));
  }

  let args: HTMLElement | null = null;
  if (subject.kind === 'tool') {
    const pre = h('pre', { 'data-field': 'args', tabindex: 0, 'aria-label': 'Arguments' }, previewArgs(subject.argsPreview).text);
    // With a plan the raw arguments are one click away; without one they are what there is to read.
    args = h('details', { class: 'args', 'data-field': 'args-details', open: !plan }, h('summary', {}, plan ? 'Raw arguments' : 'Arguments'), pre);
  }

  const banner = changes
    ? h('div', { class: 'banner', role: 'note', 'data-field': 'banner' },
      h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
      h('div', {}, h('strong', {}, `This will change ${endpoint}`),
        h('span', {}, plan ? 'Check the changes below before you allow them.' : 'No preview of the changes is available; read the arguments.')))
    : subject.kind === 'unlock' && (subject.unbound || subject.fromConfig)
      ? h('div', { class: 'banner', role: 'note', 'data-field': 'banner' },
        h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
        // Both when both hold (D7-redteam): a config.json server's warning was dropped for a password not yet bound.
        h('div', {},
          // C7-firstuse: not a built-in server; whoever can write config.json can add one.
          ...(subject.fromConfig ? [h('strong', {}, subject.fromConfig.codeChanged ? 'Its code changed since you allowed it' : 'A server from config.json, not one KeyBroker ships'),
            // D2-modulebytes: the module behind an allowed command was rewritten while the unlock lasted.
            h('span', { 'data-field': 'from-config' }, subject.fromConfig.codeChanged
              ? 'A server from config.json you allowed now runs other code. Deny unless you changed it.'
              : 'It runs the command below. Deny if you did not add it.')] : []),
          // D222: allowing binds a password that has no recorded servers yet.
          ...(subject.unbound ? [h('strong', {}, 'This password has no recorded servers yet'),
            h('span', { 'data-field': 'binds' }, `Allowing binds it to ${oneLine(subject.hosts.join(', ') + (subject.moreHosts ? ` and ${subject.moreHosts} more` : ''), 600)}; it goes nowhere else after that. Deny if these are not your servers.`)] : [])))
    : subject.kind === 'policy'
      ? h('div', { class: 'banner', role: 'note', 'data-field': 'banner' },
        h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
        h('div', {}, h('strong', {}, 'A rule nobody allowed here yet'),
          h('span', {}, 'Something wrote config.json so that changes run without asking you. Until you allow it, each such call asks. Deny if you did not make this rule.')))
    : subject.kind === 'definition'
      ? h('div', { class: 'banner', role: 'note', 'data-field': 'banner' },
        h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
        h('div', {}, h('strong', {}, `${server} now describes its tools differently`),
          h('span', {}, 'Calls to the changed tools wait until you accept. Deny if you did not update this server.')))
      : null;

  const allowClass = changes ? 'danger-fill' : subject.kind === 'unlock' ? '' : 'primary';
  const buttons = h('div', { class: 'buttons', 'data-armed': 'false' },
    h('button', { type: 'button', 'data-action': 'deny', onclick: () => decide('deny') }, 'Deny'),
    h('button', { type: 'button', class: allowClass, 'data-action': 'allow-once', onclick: () => decide('allow-once') }, subject.kind === 'policy' ? 'Allow this rule' : 'Allow once'),
    subject.kind === 'unlock'
      ? h('button', { type: 'button', class: 'primary', 'data-action': 'allow-ttl', onclick: () => decide('allow-ttl') }, `Allow for ${durationLabel(subject.ttlSeconds)}`)
      : null);
  const countdown = h('span', { class: 'countdown', 'data-field': 'countdown', role: 'timer', 'aria-live': 'off', title: 'A request nobody answers is denied after 60 s' });

  const content = h('div', { class: 'content' },
    banner,
    h('p', { class: 'kicker' }, kicker),
    h('h1', { id: 'approval-title', 'data-field': 'summary' }, title),
    reasons,
    plan ? planTable(plan) : null,
    diff,
    h('dl', {}, ...rows),
    args,
    h('p', { class: 'hint' }, 'Request ', h('code', {}, request.id), ' · Esc denies'),
    later);
  const scroller = h('div', { class: 'scroller' }, content);
  const viewport = h('div', { class: 'viewport' }, scroller, h('div', { class: 'more', 'aria-hidden': 'true' }, 'More below'));
  const root = h('article', { class: changes ? 'approval changes' : 'approval', 'data-approval-id': request.id, 'aria-labelledby': 'approval-title' },
    h('header', { class: 'top' },
      h('span', { class: 'app-icon', 'aria-hidden': 'true' }),
      h('span', { class: 'app-name' }, 'KeyBroker'),
      position.total > 1 ? h('span', { class: 'queue', 'data-field': 'queue' }, `${position.index + 1} of ${position.total} waiting`) : null),
    viewport,
    h('footer', {}, countdown, buttons));
  return { root, viewport, scroller, content, buttons, countdown };
}
