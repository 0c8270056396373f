// Consent's pending prompts of one credential (one per set of hosts, D197) as cancel() and a
// deny's cool-down (D203) find them, and when the unlock target's host list is read at all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { Consent, type UnlockTarget } from '../../../src/platform/broker/consent.js';
import { TokenDenied } from '../../../src/platform/broker/token-denied.js';
import { UnlockCache } from '../../../src/platform/broker/unlock-cache.js';
import type { UnlockHosts } from '../../../src/base/upstream-hosts.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { at } from './broker-harness.js';

const WHO = { client: 'claude-ai', server: 'vsphere' };

/** A Consent whose approver keeps every prompt open until the test answers it (by its index). */
function setup() {
  const clock = new ManualClock();
  const cache = new UnlockCache(clock);
  const shown: { request: ApprovalRequest; answer: (d: ApprovalDecision) => void; aborted: () => boolean }[] = [];
  let n = 0;
  const consent = new Consent({
    approver: {
      request: (request, signal) => new Promise<ApprovalDecision>((answer) => {
        shown.push({ request, answer, aborted: () => signal.aborted });
        signal.addEventListener('abort', () => answer('deny'), { once: true }); // As the real approvers do.
      }),
    },
    cache, clock, audit: { append: () => undefined }, newApprovalId: () => `id${++n}`, promptTimeoutMs: () => 60_000,
  });
  return { consent, cache, clock, shown };
}

const tick = () => new Promise((r) => setImmediate(r));

/** `at(endpoint, host)` whose host list counts how often it is read. */
function counted(endpoint: string, host: string): { target: UnlockTarget; reads: () => number } {
  const hosts: UnlockHosts = at(endpoint, host).hosts;
  let reads = 0;
  return { target: { endpoint, host, get hosts() { reads += 1; return hosts; } }, reads: () => reads };
}

describe('Consent: the prompts of one credential', () => {
  it('cancel() withdraws every pending prompt of the credential, one per set of hosts, and no other credential\'s', async () => {
    const t = setup();
    const a = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1', 'old.corp.example'), WHO);
    const b = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1', 'new.corp.example'), WHO);
    const other = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO);
    await tick();
    assert.equal(t.shown.length, 3, 'two prompts for vc1 (two sets of hosts) and one for pm');
    t.consent.cancel('endpoint:vc1');
    for (const p of [a, b]) await assert.rejects(p, (e: unknown) => e instanceof TokenDenied && e.code === 'locked', 'each vc1 prompt is withdrawn');
    assert.deepEqual(t.shown.map((s) => s.aborted()), [true, true, false], 'pm\'s prompt stays');
    t.shown[2]!.answer('allow-once');
    assert.equal(await other, 'once', 'and is answered');
  });

  it('in a deny\'s cool-down, a prompt of the credential still on screen (for other hosts) is not refused', async () => {
    const t = setup();
    const first = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1', 'a.corp.example'), WHO);
    const second = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1', 'b.corp.example'), WHO);
    await tick();
    t.shown[0]!.answer('deny');
    await assert.rejects(first, (e: unknown) => e instanceof TokenDenied && e.code === 'denied', 'the person denied the first');
    // The second prompt is still pending: a request that asks for its hosts joins it.
    const joined = t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1', 'b.corp.example'), WHO);
    await tick();
    assert.equal(t.shown.length, 2, 'no new prompt');
    t.shown[1]!.answer('allow-once');
    assert.deepEqual(await Promise.all([second, joined]), ['once', 'once'], 'both served by the answer on screen');
    // None left: the cool-down refuses at once.
    await assert.rejects(t.consent.ensureUnlocked('endpoint:vc1', 3600, at('vc1', 'b.corp.example'), WHO), (e: unknown) => e instanceof TokenDenied && e.coolingDown, 'refused in the cool-down');
  });

  it('askers for the same hosts share one prompt whatever order their hosts come in (D5-mutation)', async () => {
    const t = setup();
    // unlockHosts lists the asking endpoint's host first: vc1 and vc2 of one domain list the same two hosts in turn.
    const both = (endpoint: string, first: string, second: string): UnlockTarget =>
      ({ endpoint, host: first, hosts: { hosts: [first, second], all: new Set([first, second]) } });
    const one = t.consent.ensureUnlocked('domain:corp.example', 3600, both('vc1', 'vc1.corp.example', 'vc2.corp.example'), WHO);
    const two = t.consent.ensureUnlocked('domain:corp.example', 3600, both('vc2', 'vc2.corp.example', 'vc1.corp.example'), WHO);
    await tick();
    // Before (the key's hosts unsorted): a second prompt for the same two hosts.
    assert.equal(t.shown.length, 1, 'one prompt for the two endpoints of the same hosts');
    t.shown[0]!.answer('allow-once');
    assert.deepEqual(await Promise.all([one, two]), ['once', 'once'], 'both served by its answer');
  });

  it('Security: an asker whose one host is two others\' names run together does not join a prompt that named those two (D5-mutation)', async () => {
    const t = setup();
    const pair: UnlockTarget = { endpoint: 'vc1', host: 'a.example', hosts: { hosts: ['a.example', 'b.example'], all: new Set(['a.example', 'b.example']) } };
    const asked = t.consent.ensureUnlocked('domain:corp.example', 3600, pair, WHO);
    await tick();
    const joinedName = t.consent.ensureUnlocked('domain:corp.example', 3600, at('vc3', 'a.exampleb.example'), WHO);
    await tick();
    // Before (the hosts joined with no separator): it joined the first prompt and was served by its answer.
    assert.equal(t.shown.length, 2, 'a prompt of its own, naming its host');
    assert.deepEqual(t.shown[1]!.request.subject.kind === 'unlock' && t.shown[1]!.request.subject.hosts, ['a.exampleb.example'], 'that names the host its password would go to');
    t.shown[0]!.answer('allow-ttl');
    assert.equal(await asked, 'ttl', 'the first is allowed');
    t.shown[1]!.answer('deny');
    await assert.rejects(joinedName, (e: unknown) => e instanceof TokenDenied && e.code === 'denied', 'the other waited for its own answer');
  });

  it('Security: a prompt whose credential logs in to more hosts than it lists says how many more (D5-mutation)', async () => {
    const t = setup();
    const listed = Array.from({ length: 8 }, (_, i) => `v${i}.corp.example`);
    const all = new Set([...listed, 'v8.corp.example', 'v9.corp.example', 'v10.corp.example']);
    const target: UnlockTarget = { endpoint: 'v0', host: listed[0]!, hosts: { hosts: listed, moreHosts: 3, all } };
    const asked = t.consent.ensureUnlocked('domain:corp.example', 3600, target, WHO);
    await tick();
    // Before (the subject's moreHosts left out): the person saw eight hosts of the eleven an allow covers.
    assert.deepEqual(t.shown[0]!.request.subject, { kind: 'unlock', credential: 'domain:corp.example', ttlSeconds: 3600, hosts: listed, moreHosts: 3 }, 'the eight it lists and the three more');
    t.shown[0]!.answer('allow-once');
    assert.equal(await asked, 'once', 'allowed once');
  });

  it('reads the host list only to raise or join a prompt, once: not for an unlocked credential or in a cool-down', async () => {
    const t = setup();
    const asked = counted('vc1', 'vc1.corp.example');
    const p = t.consent.ensureUnlocked('endpoint:vc1', 3600, asked.target, WHO);
    await tick();
    assert.equal(asked.reads(), 1, 'read once to raise the prompt');
    t.shown[0]!.answer('allow-ttl');
    assert.equal(await p, 'ttl');
    const unlocked = counted('vc1', 'vc1.corp.example');
    assert.equal(await t.consent.ensureUnlocked('endpoint:vc1', 3600, unlocked.target, WHO), 'ttl');
    assert.equal(unlocked.reads(), 0, 'the allow-check needs the host alone');
    const d = t.consent.ensureUnlocked('endpoint:pm', 3600, at('pm'), WHO);
    await tick();
    t.shown[1]!.answer('deny');
    await assert.rejects(d, TokenDenied);
    const refused = counted('pm', 'pm.corp.example');
    await assert.rejects(t.consent.ensureUnlocked('endpoint:pm', 3600, refused.target, WHO), TokenDenied);
    assert.equal(refused.reads(), 0, 'a refusal in the cool-down needs no list');
  });
});
