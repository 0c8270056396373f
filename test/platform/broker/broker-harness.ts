import type { UnlockTarget } from '../../../src/platform/broker/consent.js';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import type { HostToChildBroker } from '../../../src/base/contracts/token-protocol.js';
import type { Approver } from '../../../src/platform/approvals/approver.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { Broker } from '../../../src/platform/broker/broker.js';
import type { ChildLink } from '../../../src/platform/broker/child-link.js';
import type { Keychain } from '../../../src/platform/keychain/keychain.js';
import { boundItem } from '../../../src/platform/keychain/password-envelope.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { ManualClock } from '../../mocks/manual-clock.js';

export const PASSWORD = 'correct horse battery staple';

/** An approver the test answers by hand; records every prompt it was shown. */
export class ScriptedApprover implements Approver {
  readonly prompts: ApprovalRequest[] = [];
  private waiting: ((d: ApprovalDecision) => void)[] = [];
  private readonly byId = new Map<string, (d: ApprovalDecision) => void>();
  private onPrompt: (() => void)[] = [];

  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    this.prompts.push(request);
    for (const f of this.onPrompt.splice(0)) f();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.byId.set(request.id, resolve);
      signal.addEventListener('abort', () => resolve('deny'), { once: true });
    });
  }

  /** Resolve when the next prompt is shown. */
  nextPrompt(): Promise<void> {
    return new Promise((r) => this.onPrompt.push(r));
  }

  answer(d: ApprovalDecision): void {
    for (const w of this.waiting.splice(0)) w(d);
  }

  /** Answer only the prompt with approval id `id` (the others stay up). */
  answerOne(id: string, d: ApprovalDecision): void {
    const w = this.byId.get(id);
    if (!w) throw new Error(`no prompt ${id} was shown`);
    this.waiting.splice(this.waiting.indexOf(w), 1);
    w(d);
  }
}

/** A child link that records what the host sent it. */
export function recordingLink(kind: 'vsphere' | 'p6', id = `${kind}#1`): ChildLink & { frames: HostToChildBroker[] } {
  const frames: HostToChildBroker[] = [];
  return { id, kind, server: kind, pid: 4242, frames, send: (f) => void frames.push(f) };
}

/** The digest of a config.json server's code in these tests (D2-modulebytes): `CODE_A` unless a test rewrites its module. */
export const CODE_A = 'a'.repeat(64);
/** Another digest: the same server's module after a rewrite. */
export const CODE_B = 'b'.repeat(64);

/** {@link recordingLink} for a server config.json added (C7-firstuse), named `name`, run as `command`, with code `codeSha256`. */
export function configServerLink(kind: 'vsphere' | 'p6', name: string, command = `node /home/u/${name}/index.js`, id = `${name}#1`, codeSha256 = CODE_A): ChildLink & { frames: HostToChildBroker[] } {
  return { ...recordingLink(kind, id), server: name, fromConfig: { command, codeSha256 } };
}

export function testConfig(): Config {
  return Config.parse({
    ...emptyConfig(),
    endpoints: [
      { id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false, tls: { verify: true }, credential: 'domain:corp.example' },
      { id: 'vc2', kind: 'vsphere', url: 'https://vc2.corp.example/sdk', username: 'svc', readOnly: true, tls: { verify: true }, credential: 'domain:corp.example' },
      { id: 'pm', kind: 'p6', url: 'https://p6.other.example/p6ws/restapi', username: 'planner', database: 'PMDB', readOnly: false, tls: { verify: true }, credential: 'endpoint:pm' },
    ],
    credentials: [
      { id: 'domain:corp.example', domain: 'corp.example', ttlSeconds: 4 * 3600 },
      { id: 'endpoint:pm', ttlSeconds: 3600 },
    ],
  });
}

/**
 * A broker wired to fakes only where no real part applies (approver, clock, upstream). The
 * items are bound to testConfig()'s endpoints, as 0.2 writes them (D198); `legacy`: bare, as
 * KeyBroker 0.1 left them (D222).
 */
export function makeBroker(opts: { password?: string; unreachable?: boolean; logoutWaitMs?: number; legacy?: boolean } = {}) {
  const clock = new ManualClock();
  const approver = new ScriptedApprover();
  const audit: AuditInput[] = [];
  const item = (password: string, credential: string) => (opts.legacy ? password : boundItem(password, testConfig(), credential));
  const store = new Map<string, string>([['domain:corp.example', item(opts.password ?? PASSWORD, 'domain:corp.example')], ['endpoint:pm', item(PASSWORD, 'endpoint:pm')]]);
  const keychain: Keychain = {
    get: async (a) => store.get(a),
    set: async (a, s) => void store.set(a, s),
    delete: async (a) => store.delete(a),
  };
  const vsphere = new FakeUpstreamLogin(PASSWORD, opts.unreachable);
  const p6 = new FakeUpstreamLogin(PASSWORD);
  let config = testConfig();
  const broker = new Broker({
    config: () => config, keychain, logins: { vsphere, p6 }, approver, clock,
    audit: { append: (r) => void audit.push(r) }, logoutWaitMs: opts.logoutWaitMs,
  });
  return { broker, clock, approver, audit, vsphere, p6, store, setConfig: (c: Config) => { config = c; } };
}

/** Send one request and wait until the link receives the answer to it. */
export async function ask(broker: Broker, link: ReturnType<typeof recordingLink>, endpoint: string, id: string, stale?: string) {
  const handle = broker.attachChild(link);
  const frame = stale === undefined ? { ch: 'broker', t: 'token.request', id, endpoint } : { ch: 'broker', t: 'token.renew', id, endpoint, stale };
  handle.accept(frame);
  // No wall-clock deadline: a missing reply is caught by the test's own time limit, so a
  // loaded machine cannot turn a slow reply into a failure.
  for (;;) {
    const reply = link.frames.find((f) => f.t !== 'token.revoke' && f.id === id);
    if (reply) return reply;
    await new Promise((r) => setImmediate(r));
  }
}

/** {@link ask}, answering the approval prompt it raises with `decision`; resolves to the reply. */
export async function askAnswered(broker: Broker, approver: ScriptedApprover, link: ReturnType<typeof recordingLink>, endpoint: string, id: string, decision: ApprovalDecision) {
  const shown = approver.nextPrompt();
  const reply = ask(broker, link, endpoint, id);
  await shown;
  approver.answer(decision);
  return reply;
}

/** The unlock target of `endpoint` whose one host is `host` (default `<endpoint>.corp.example`). */
export function at(endpoint: string, host = `${endpoint}.corp.example`): UnlockTarget {
  return { endpoint, host, hosts: { hosts: [host], all: new Set([host]) } };
}
