// D1-policyconsent: which config.json edits loosen the policy (and need a person) and which
// only tighten it (in force at once), in the plain lines every approver shows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import type { PolicyRule } from '../../../src/base/contracts/policy.js';
import { LOOSENING_CUT, confirmable, describeRule, fitLoosening, policyLoosenings, policyView, rulesLoosen } from '../../../src/base/policy/policy-loosenings.js';

const endpoint = (id: string, readOnly: boolean) => ({ id, kind: 'vsphere', url: `https://${id}.corp.example/sdk`, username: 'svc', readOnly, tls: { verify: true }, credential: `endpoint:${id}` });
const config = (policy: Record<string, unknown> = {}, endpoints: { id: string; readOnly: boolean }[] = [{ id: 'vc1', readOnly: false }]) => Config.parse({
  ...emptyConfig(),
  endpoints: endpoints.map((e) => endpoint(e.id, e.readOnly)),
  credentials: endpoints.map((e) => ({ id: `endpoint:${e.id}` })),
  policy,
});
const rule = (tool: string, action: PolicyRule['action'], reason = tool): PolicyRule => ({ server: '*', tool, endpoint: '*', action, reason });

describe('policyLoosenings (D1-policyconsent)', () => {
  it('an unchanged policy loosens nothing', () => {
    assert.deepEqual(policyLoosenings(config({ allow: ['vsphere/vsphere_power'] }), config({ allow: ['vsphere/vsphere_power'] })), []);
  });

  it('an allow entry added is a loosening, named as server/tool; one removed is not', () => {
    assert.deepEqual(policyLoosenings(config(), config({ allow: [{ server: 'vsphere', tool: 'vsphere_power' }] })), ['config.json now lets vsphere/vsphere_power run without asking (policy.allow)']);
    assert.deepEqual(policyLoosenings(config({ allow: ['vsphere_power'] }), config()), []);
  });

  it('an approve entry removed is a loosening; one added is not', () => {
    assert.deepEqual(policyLoosenings(config({ approve: ['p6/p6_call'] }), config()), ['config.json no longer makes p6/p6_call always ask (removed from policy.approve)']);
    assert.deepEqual(policyLoosenings(config(), config({ approve: ['p6/p6_call'] })), []);
  });

  it('an allow rule added, or a deny rule removed, is a loosening, each said in words', () => {
    assert.deepEqual(policyLoosenings(config(), config({ rules: [{ server: 'vsphere', tool: 'vsphere_power', endpoint: 'lab*', action: 'allow', reason: 'lab power' }] })), ['config.json now lets vsphere/vsphere_power on lab* ("lab power") run without asking (policy.rules[0])']);
    assert.deepEqual(policyLoosenings(config({ rules: [rule('x', 'deny', 'never x')] }), config()), ['config.json no longer has the rule that made x on any endpoint ("never x") refused']);
    assert.deepEqual(policyLoosenings(config({ rules: [rule('x', 'ask', 'look at x')] }), config()), ['config.json no longer has the rule that made x on any endpoint ("look at x") ask']);
  });

  it('names only what changed: entries and rules kept are not listed again (mutation survivors)', () => {
    const keep = rule('k', 'allow', 'kept');
    const deny = rule('d', 'deny', 'kept deny');
    const before = config({ approve: ['p6/p6_call'], rules: [deny, keep, rule('x', 'deny', 'never x')] });
    const after = config({ approve: ['p6/p6_call'], rules: [deny, keep, rule('y', 'allow', 'new y')] });
    assert.deepEqual(policyLoosenings(before, after), [
      'config.json now lets y on any endpoint ("new y") run without asking (policy.rules[2])',
      'config.json no longer has the rule that made x on any endpoint ("never x") refused',
    ]);
  });

  it('an endpoint made read-write counts where only a rule allows something', () => {
    const rules = { rules: [rule('vsphere_power', 'allow', 'power')] };
    assert.deepEqual(policyLoosenings(config(rules, [{ id: 'vc1', readOnly: true }]), config(rules, [{ id: 'vc1', readOnly: false }])), ['config.json makes vc1 read-write (it was read-only)']);
    const asks = { rules: [rule('vsphere_power', 'ask', 'power')] };
    assert.deepEqual(policyLoosenings(config(asks, [{ id: 'vc1', readOnly: true }]), config(asks, [{ id: 'vc1', readOnly: false }])), [], 'an ask rule allows nothing');
  });

  it('rules reordered so that an allow comes before a deny is a loosening', () => {
    const deny = rule('x', 'deny');
    const allow = rule('*', 'allow');
    assert.deepEqual(policyLoosenings(config({ rules: [deny, allow] }), config({ rules: [allow, deny] })), ['config.json changed the order of policy.rules, so an allow rule now comes first for some calls']);
  });

  it('rulesLoosen: taking allow rules out and putting deny or ask rules in anywhere only tightens', () => {
    const a = rule('a', 'allow');
    const b = rule('b', 'allow');
    const d = rule('d', 'deny');
    const q = rule('q', 'ask');
    assert.equal(rulesLoosen([a, d, b], [d]), false, 'allows removed');
    assert.equal(rulesLoosen([a, b], [q, a, d, b, q]), false, 'non-allow rules inserted');
    assert.equal(rulesLoosen([a], [a, b]), true, 'an allow appended');
    assert.equal(rulesLoosen([a, d], [a]), true, 'a deny removed at the end');
    assert.equal(rulesLoosen([d, a], [a]), true, 'a deny removed at the start');
    assert.equal(rulesLoosen([a], [{ ...a, endpoint: 'vc*' }]), true, 'an allow rule changed');
    assert.equal(rulesLoosen([], []), false);
  });

  // E7-redteam: an ask ahead of a deny a person made turns a refusal into a prompt a careless person can allow.
  it('rulesLoosen: an ask rule put in ahead of a kept deny rule is a loosening; after it, or with no deny, it is not', () => {
    const a = rule('a', 'allow');
    const d = rule('d', 'deny');
    const q = rule('q', 'ask');
    assert.equal(rulesLoosen([d], [q, d]), true, 'an ask ahead of the deny');
    assert.equal(rulesLoosen([a, d], [a, q, d]), true, 'an ask between an allow and the deny');
    assert.equal(rulesLoosen([d], [d, q]), false, 'an ask after the deny');
    assert.equal(rulesLoosen([a], [q, d, a]), false, 'an ask ahead of a deny that is itself new');
    assert.equal(rulesLoosen([d, q], [q, d]), true, 'an ask moved ahead of the deny');
    assert.equal(rulesLoosen([d], [rule('x', 'deny'), d]), false, 'a deny put in anywhere');
    assert.equal(rulesLoosen([q, d], [rule('q2', 'ask'), q, d]), true, 'an ask ahead of a kept ask that a kept deny follows (mutation survivor: the deny further on counts)');
  });

  it('an ask rule put in, or moved, ahead of a deny rule is said in words; one that was already ahead of it is not', () => {
    const deny = rule('x', 'deny', 'never x');
    const ask = rule('*', 'ask', 'look first');
    const line = 'config.json now makes * on any endpoint ("look first") ask ahead of the rule that makes x on any endpoint ("never x") refused, so some of those calls ask instead (policy.rules[0])';
    assert.deepEqual(policyLoosenings(config({ rules: [deny] }), config({ rules: [ask, deny] })), [line], 'put in');
    assert.deepEqual(policyLoosenings(config({ rules: [deny, ask] }), config({ rules: [ask, deny] })), [line], 'moved');
    assert.deepEqual(policyLoosenings(config({ rules: [ask, deny] }), config({ rules: [ask, deny, rule('y', 'allow', 'y')] })), ['config.json now lets y on any endpoint ("y") run without asking (policy.rules[2])'], 'already ahead: only the new allow is listed');
    const kept = rule('k', 'allow', 'kept');
    assert.deepEqual(policyLoosenings(config({ rules: [kept] }), config({ rules: [ask, kept, rule('y', 'allow', 'y')] })), ['config.json now lets y on any endpoint ("y") run without asking (policy.rules[2])'], 'an ask ahead of an allow or another ask is no refusal turned into a prompt (mutation survivors)');
  });

  it('limits raised or a rate dropped is a loosening; limits lowered or a rate added is not', () => {
    const rates = [{ name: 'power', tools: ['vsphere_power'], max: 5, windowSeconds: 600 }];
    const line = 'config.json raises or removes blast-radius limits (policy.limits), so more changes run without asking';
    assert.deepEqual(policyLoosenings(config({ limits: { rates } }), config({ limits: { rates: [] } })), [line]);
    assert.deepEqual(policyLoosenings(config({ limits: { rates } }), config({ limits: { rates: [{ ...rates[0], max: 6 }] } })), [line]);
    assert.deepEqual(policyLoosenings(config({ limits: { rates, maxObjectsPerCall: 5 } }), config({ limits: { rates, maxObjectsPerCall: 6 } })), [line]);
    assert.deepEqual(policyLoosenings(config({ limits: { rates, breaker: { failures: 2, coolDownSeconds: 60 } } }), config({ limits: { rates, breaker: { failures: 3, coolDownSeconds: 60 } } })), [line]);
    assert.deepEqual(policyLoosenings(config({ limits: { rates, breaker: { failures: 2, coolDownSeconds: 60 } } }), config({ limits: { rates, breaker: { failures: 2, coolDownSeconds: 59 } } })), [line]);
    assert.deepEqual(policyLoosenings(config({ limits: { rates: [] } }), config({ limits: { rates, maxObjectsPerCall: 1, breaker: { failures: 1, coolDownSeconds: 600 } } })), []);
  });

  it('an endpoint made read-write, or a read-write one added, loosens only where something is allowed', () => {
    const allow = { allow: ['vsphere/vsphere_power'] };
    assert.deepEqual(policyLoosenings(config(allow, [{ id: 'vc1', readOnly: true }]), config(allow, [{ id: 'vc1', readOnly: false }])), ['config.json makes vc1 read-write (it was read-only)']);
    assert.deepEqual(policyLoosenings(config(allow), config(allow, [{ id: 'vc1', readOnly: false }, { id: 'vc2', readOnly: false }])), ['config.json adds the read-write endpoint vc2']);
    assert.deepEqual(policyLoosenings(config(allow), config(allow, [{ id: 'vc1', readOnly: false }, { id: 'vc2', readOnly: true }])), [], 'a read-only endpoint added');
    assert.deepEqual(policyLoosenings(config({}, [{ id: 'vc1', readOnly: true }]), config({}, [{ id: 'vc1', readOnly: false }])), [], 'nothing allowed: every change on vc1 asks');
    assert.deepEqual(policyLoosenings(config(allow, [{ id: 'vc1', readOnly: false }]), config(allow, [{ id: 'vc1', readOnly: true }])), [], 'made read-only');
  });

  // E7-redteam: what a reload that loosens nothing confirms.
  it('confirmable: the reload as it is, but an endpoint made read-write stays read-only and one added stays out', () => {
    const before = config({}, [{ id: 'vc1', readOnly: true }, { id: 'vc2', readOnly: false }]);
    const same = config({ approve: ['x'] }, [{ id: 'vc1', readOnly: true }, { id: 'vc2', readOnly: false }]);
    assert.equal(confirmable(before, same), same, 'nothing turned off: the reload itself');
    const next = config({}, [{ id: 'vc1', readOnly: false }, { id: 'vc2', readOnly: true }, { id: 'vc3', readOnly: false }]);
    const kept = confirmable(before, next);
    assert.deepEqual(kept.endpoints.map((e) => [e.id, e.readOnly]), [['vc1', true], ['vc2', true]], 'vc1 still read-only, vc2 read-only as the reload made it, vc3 left out');
    assert.deepEqual(kept.policy, next.policy, 'the policy is the reload\'s');
    assert.deepEqual(policyLoosenings(kept, config({ allow: ['x'] }, [{ id: 'vc1', readOnly: false }, { id: 'vc3', readOnly: false }])), [
      'config.json now lets x run without asking (policy.allow)',
      'config.json makes vc1 read-write (it was read-only)',
      'config.json adds the read-write endpoint vc3',
    ], 'an allow that comes back names both');
    // Mutation survivors: an endpoint only added, or one flipped beside one left as it was.
    assert.deepEqual(confirmable(config({}, [{ id: 'vc1', readOnly: false }]), config({}, [{ id: 'vc1', readOnly: false }, { id: 'vc3', readOnly: false }])).endpoints.map((e) => e.id), ['vc1'], 'an endpoint only added is left out');
    const flipped = confirmable(config({}, [{ id: 'vc1', readOnly: true }, { id: 'vc2', readOnly: true }]), config({}, [{ id: 'vc1', readOnly: false }, { id: 'vc2', readOnly: true }]));
    assert.deepEqual(flipped.endpoints.map((e) => [e.id, e.readOnly]), [['vc1', true], ['vc2', true]], 'vc1 kept read-only beside an unchanged vc2');
  });

  it('fitLoosening: whole up to 400 characters; longer, cut to 400 with a note that says it was cut and where the rest is, never inside a surrogate pair', () => {
    assert.equal(fitLoosening('x'.repeat(400)), 'x'.repeat(400), 'exactly 400: whole');
    const cut = fitLoosening('x'.repeat(401));
    assert.equal(cut.length, 400, 'cut to 400');
    assert.ok(cut.endsWith(LOOSENING_CUT), 'the note ends it');
    assert.match(LOOSENING_CUT, /^… \(cut here: 'keybroker policy list --json' shows the whole rule\)$/, 'the note says it was cut and where the whole rule is');
    const at = 400 - LOOSENING_CUT.length;
    const pair = fitLoosening(`${'x'.repeat(at - 1)}😀${'y'.repeat(100)}`);
    assert.equal(pair, `${'x'.repeat(at - 1)}${LOOSENING_CUT}`, 'the pair that would be split is left out whole');
  });

  // D284: the survivors and uncovered mutants of the run after D259's merge.
  it('lists only the new allow rules and the removed deny or ask rules, not new deny rules or removed allow rules beside them', () => {
    const before = config({ rules: [rule('a', 'allow', 'old a'), rule('x', 'deny', 'never x')] });
    const after = config({ rules: [rule('n', 'deny', 'new deny'), rule('y', 'allow', 'new y')] });
    assert.deepEqual(policyLoosenings(before, after), [
      'config.json now lets y on any endpoint ("new y") run without asking (policy.rules[1])',
      'config.json no longer has the rule that made x on any endpoint ("never x") refused',
    ]);
  });

  it('policyView is the policy and each endpoint\'s read-only flag, all a loosening is judged on', () => {
    const c = config({ allow: ['vsphere/vsphere_power'] }, [{ id: 'vc1', readOnly: true }, { id: 'vc2', readOnly: false }]);
    assert.deepEqual(policyView(c), { policy: c.policy, readOnly: [['vc1', true], ['vc2', false]] });
  });

  it('describeRule names a rule\'s condition', () => {
    assert.equal(describeRule({ ...rule('vsphere_power', 'allow', 'lab'), server: 'vsphere', when: { folder: 'Lab/*' } }), 'vsphere/vsphere_power on any endpoint when {"folder":"Lab/*"} ("lab")');
  });
});

