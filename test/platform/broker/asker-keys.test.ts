// E3-tidy: the keys Consent and UnlockCache tell askers apart by (asker-keys.ts) were newline-joined
// strings with `unbound` and `server …` markers, so a host, server name or command holding a
// newline or a marker's word made two different askers one key. Now each is a fixed-shape JSON
// array: two askers share a key exactly when they are the same asker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { configServerKey, coolDownCredential, coolDownKey, promptKey, withoutCode } from '../../../src/platform/broker/asker-keys.js';
import { Consent, type UnlockTarget } from '../../../src/platform/broker/consent.js';
import { UnlockCache } from '../../../src/platform/broker/unlock-cache.js';
import { ManualClock } from '../../mocks/manual-clock.js';

/** Text made mostly of what the old keys were built from: newlines, the markers' words, JSON's own marks. */
// A few values that meet often (so two askers that differ in one part are common), and any join of the marks.
const part = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('', 'a', 'unbound', 'server a', 'a\nunbound', 'a\n', '\na', 'server ["a","b"]') },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('\n', 'unbound', 'server ', 'a', 'b.example', '"', '[', ']', ',', 'null', 'true', '\\', ' '), { maxLength: 5 }).map((xs) => xs.join('')) },
);
const server = fc.option(fc.tuple(part, part, fc.constantFrom('a'.repeat(64), 'b'.repeat(64))), { nil: undefined });
/** Hosts from a small set (so one asker's hosts are often another's with one more or one fewer), or any part. */
const host = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('a', 'unbound', 'a\nunbound', `server ${JSON.stringify(['a', 'b', 'a'.repeat(64)])}`, 'server a\nb') }, { weight: 1, arbitrary: part });
const asker = fc.record({
  credential: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('c', 'c\na') }, { weight: 1, arbitrary: part }),
  hosts: fc.uniqueArray(host, { minLength: 1, maxLength: 3 }),
  unbound: fc.boolean(),
  server: fc.option(fc.oneof({ weight: 3, arbitrary: fc.constant(['a', 'b', 'a'.repeat(64)] as [string, string, string]) }, { weight: 1, arbitrary: fc.tuple(part, part, fc.constantFrom('a'.repeat(64), 'b'.repeat(64))) }), { nil: undefined, freq: 2 }),
});
type Asker = typeof asker extends fc.Arbitrary<infer T> ? T : never;

const serverKey = (s: Asker['server']) => (s === undefined ? undefined : configServerKey(...s));
const keyOf = (a: Asker) => promptKey(a.credential, a.hosts, a.unbound, serverKey(a.server));
/** The same asker: the same credential, the same hosts in any order, the same binding and server. */
const same = (a: Asker, b: Asker) => a.credential === b.credential && a.unbound === b.unbound
  && [...a.hosts].sort().join('\u0000') === [...b.hosts].sort().join('\u0000') && JSON.stringify(a.server) === JSON.stringify(b.server);

describe('asker keys (E3-tidy)', () => {
  it('Security: two askers share a prompt key exactly when they are the same asker, whatever their hosts and commands hold', () => {
    fc.assert(fc.property(asker, asker, (a, b) => {
      assert.equal(keyOf(a) === keyOf(b), same(a, b), `prompt keys of ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
    }), { numRuns: 5000 });
    // The old keys' collision, written out: a host named `unbound` against the unbound marker.
    assert.notEqual(promptKey('c', ['a.x', 'unbound'], false, undefined), promptKey('c', ['a.x'], true, undefined), 'a host named unbound is not the unbound marker');
    assert.notEqual(promptKey('c', ['a.x', 'server s'], false, undefined), promptKey('c', ['a.x'], false, 's'), 'nor a host named like the server marker');
    assert.equal(promptKey('c', ['b', 'a'], false, undefined), promptKey('c', ['a', 'b'], false, undefined), 'the hosts in any order are one prompt');
  });

  it('Security: a config.json server\'s key, and the key without its code, tell every name and command apart', () => {
    const triple = fc.tuple(part, part, fc.constantFrom('a'.repeat(64), 'b'.repeat(64)));
    fc.assert(fc.property(triple, triple, (x, y) => {
      const sameAll = x[0] === y[0] && x[1] === y[1] && x[2] === y[2];
      const sameCommand = x[0] === y[0] && x[1] === y[1];
      assert.equal(configServerKey(...x) === configServerKey(...y), sameAll, `server keys of ${JSON.stringify(x)} and ${JSON.stringify(y)}`);
      assert.equal(withoutCode(configServerKey(...x)) === withoutCode(configServerKey(...y)), sameCommand, `without code: ${JSON.stringify(x)} and ${JSON.stringify(y)}`);
    }), { numRuns: 3000 });
    assert.notEqual(configServerKey('vs\nnode /a.js', 'x', 'a'.repeat(64)), configServerKey('vs', 'node /a.js\nx', 'a'.repeat(64)), 'a newline moved between name and command is another server');
  });

  it('Security: a deny\'s cool-down key names one credential and one server, and is read back as its credential', () => {
    const cool = fc.tuple(part, server);
    fc.assert(fc.property(cool, cool, ([c1, s1], [c2, s2]) => {
      const sameCool = c1 === c2 && (s1 === undefined ? s2 === undefined : s2 !== undefined && s1[0] === s2[0] && s1[1] === s2[1]);
      assert.equal(coolDownKey(c1, serverKey(s1)) === coolDownKey(c2, serverKey(s2)), sameCool, `cool-downs of ${JSON.stringify([c1, s1])} and ${JSON.stringify([c2, s2])}`);
      assert.equal(coolDownCredential(coolDownKey(c1, serverKey(s1))), c1, 'read back as its credential');
    }), { numRuns: 3000 });
    assert.notEqual(coolDownKey('endpoint:vc1\nvs'), coolDownKey('endpoint:vc1', configServerKey('vs', '', 'a'.repeat(64))), 'a credential holding a newline is not another credential\'s server');
  });

  it('refuses to read a key it did not make (a bug, not an asker)', () => {
    assert.throws(() => withoutCode('vs\nnode /a.js\nabc'), /^BugError: a config\.json server key that configServerKey did not make; report this bug$/, 'an old newline key');
    assert.throws(() => withoutCode(JSON.stringify(['vs', 'node'])), /configServerKey did not make/, 'two parts');
    assert.throws(() => withoutCode(JSON.stringify(['vs', 'node', 1])), /configServerKey did not make/, 'a part that is no string');
    assert.throws(() => withoutCode(JSON.stringify({ 0: 'a', 1: 'b', 2: 'c', length: 3 })), /configServerKey did not make/, 'no array');
    assert.throws(() => coolDownCredential(JSON.stringify([1])), /^BugError: a cool-down key that coolDownKey did not make; report this bug$/, 'a cool-down key without its credential');
    assert.throws(() => coolDownCredential('"c"'), /coolDownKey did not make/, 'no array');
  });
});

describe('Consent with a host named like the old markers (E3-tidy)', () => {
  it('Security: a request that binds an unbound password never joins the prompt of a bound one whose hosts include one named "unbound"', async () => {
    const clock = new ManualClock();
    const shown: ApprovalRequest[] = [];
    const answers: ((d: ApprovalDecision) => void)[] = [];
    let n = 0;
    const consent = new Consent({
      approver: { request: (request) => new Promise<ApprovalDecision>((answer) => { shown.push(request); answers.push(answer); }) },
      cache: new UnlockCache(clock), clock, audit: { append: () => undefined }, newApprovalId: () => `id${++n}`, promptTimeoutMs: () => 60_000,
    });
    const target = (hosts: string[], unbound: boolean): UnlockTarget => ({ endpoint: 'vc1', host: hosts[0]!, hosts: { hosts, all: new Set(hosts) }, ...(unbound && { unbound }) });
    const who = { client: 'claude-ai', server: 'vsphere' };
    const bound = consent.ensureUnlocked('domain:x', 3600, target(['a.x', 'unbound'], false), who);
    const binding = consent.ensureUnlocked('domain:x', 3600, target(['a.x'], true), who);
    await new Promise((r) => setImmediate(r));
    assert.equal(shown.length, 2, 'two prompts: the one that binds the password says so, and is not the other one');
    const subject = (r: ApprovalRequest) => r.subject as { unbound?: boolean };
    assert.deepEqual(shown.map((r) => subject(r).unbound), [undefined, true], 'the second prompt is the one that asks to bind');
    answers[0]!('allow-once');
    answers[1]!('deny');
    assert.equal(await bound, 'once', 'the first asker got its own answer');
    await assert.rejects(binding, /denied by the user/, 'the binding asker got the answer to the prompt that asked to bind');
    // And with the very same hosts: whether the prompt binds the password is part of what it asks.
    const plain = consent.ensureUnlocked('domain:y', 3600, target(['a.x'], false), who);
    const binds = consent.ensureUnlocked('domain:y', 3600, target(['a.x'], true), who);
    const plainAgain = consent.ensureUnlocked('domain:y', 3600, target(['a.x'], false), who);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(shown.slice(2).map((r) => subject(r).unbound), [undefined, true], 'the same hosts bound and unbound are two prompts; a second bound asker joins the first');
    answers[2]!('allow-once');
    answers[3]!('allow-once');
    assert.deepEqual(await Promise.all([plain, binds, plainAgain]), ['once', 'once', 'once'], 'each answered by its own prompt');
  });
});
