// Policy-rule details that mutation testing showed unguarded (issue 12, docs/TESTING.md):
// `any` with false and unknown alternatives, lists of globs, a plan without targets, calls
// without a plan or an endpoint, and the exact notes of skipped rules. Security: a rule whose
// condition cannot be checked never allows, and a deny rule then denies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRule, TargetFacts, When } from '../../../src/base/contracts/policy.js';
import { evaluateRules, ruleApplies, type PolicySubject } from '../../../src/base/policy/evaluate-rules.js';

const ASK = { action: 'ask' as const, reason: 'every change asks' };
const NOW = Date.UTC(2026, 10, 24, 10, 0); // Tuesday 10:00 UTC

function rule(action: PolicyRule['action'], when: When | undefined, reason = `${action} rule`, endpoint = '*'): PolicyRule {
  return { server: '*', tool: '*', endpoint, action, reason, ...(when ? { when } : {}) };
}

function call(facts: TargetFacts[] | undefined, endpoint: string | null = 'vc1'): PolicySubject {
  return { server: 'vsphere', tool: 'vsphere_power', endpoint: endpoint ?? undefined, facts, now: NOW, timeZone: 'UTC' };
}

describe('policy rules: any', () => {
  it('a deny rule whose alternatives are all false does not deny', () => {
    const rules = [rule('deny', { any: [{ folder: 'Lab/*' }, { cluster: 'dev-*' }] })];
    const d = evaluateRules(rules, call([{ folder: 'Prod/db', cluster: 'prod-1' }]), ASK);
    assert.deepEqual([d.action, d.rule, d.reason, d.unevaluated], ['ask', undefined, 'every change asks', []]);
  });

  it('a deny rule whose only alternative cannot be checked denies, naming what was missing', () => {
    const rules = [rule('deny', { any: [{ cluster: 'prod-*' }] }, 'no changes on prod')];
    const d = evaluateRules(rules, call([{ folder: 'Lab/web' }]), ASK);
    assert.deepEqual([d.action, d.rule, d.reason], ['deny', 0, 'no changes on prod (applied because cluster could not be checked)']);
  });

  it('an allow rule holds when one alternative is true even if another is unknown, and never on unknown alone', () => {
    const rules = [rule('allow', { any: [{ tags: 'env:test' }, { folder: 'Lab/*' }] })];
    assert.equal(evaluateRules(rules, call([{ folder: 'Lab/web' }]), ASK).action, 'allow');
    const blind = evaluateRules(rules, call([{ folder: 'Prod/db' }]), ASK);
    assert.deepEqual([blind.action, blind.unevaluated], ['ask', [{ rule: 0, missing: 'tags' }]]);
    const tagOnly = [rule('allow', { any: [{ tags: 'env:test' }] })];
    assert.equal(evaluateRules(tagOnly, call([{ folder: 'Lab/web' }]), ASK).action, 'ask');
  });

  it('an allow rule with a known true fact and an unknown one does not allow', () => {
    const rules = [rule('allow', { folder: 'Lab/*', cluster: 'dev-*' })];
    const d = evaluateRules(rules, call([{ folder: 'Lab/web' }]), ASK);
    assert.deepEqual([d.action, d.unevaluated], ['ask', [{ rule: 0, missing: 'cluster' }]]);
  });

  it('an unknown stays unknown whatever holds after it: a later true fact or a later target', () => {
    // folder comes before cluster in the order facts are checked.
    const rules = [rule('allow', { folder: 'Lab/*', cluster: 'dev-*' })];
    const d = evaluateRules(rules, call([{ cluster: 'dev-1' }]), ASK);
    assert.deepEqual([d.action, d.unevaluated], ['ask', [{ rule: 0, missing: 'folder' }]]);
    const twoVms = evaluateRules([rule('allow', { folder: 'Lab/*' })], call([{ cluster: 'dev-1' }, { folder: 'Lab/web' }]), ASK);
    assert.deepEqual([twoVms.action, twoVms.unevaluated], ['ask', [{ rule: 0, missing: 'folder' }]]);
  });
});

describe('policy rules: globs, targets and plans', () => {
  it('a list of globs holds when any one of them matches', () => {
    const rules = [rule('deny', { cluster: ['prod-*', 'dr-*'] })];
    assert.equal(evaluateRules(rules, call([{ cluster: 'dr-2' }]), ASK).action, 'deny');
    assert.equal(evaluateRules(rules, call([{ cluster: 'prod-1' }]), ASK).action, 'deny');
    assert.equal(evaluateRules(rules, call([{ cluster: 'dev-1' }]), ASK).action, 'ask');
    const tags = [rule('allow', { tags: ['env:test', 'env:lab'] })];
    assert.equal(evaluateRules(tags, call([{ tags: ['owner:ops', 'env:lab'] }]), ASK).action, 'allow');
  });

  it('a plan that resolved no target satisfies no fact condition', () => {
    const rules = [rule('allow', { folder: 'Lab/*' })];
    const d = evaluateRules(rules, call([]), ASK);
    assert.deepEqual([d.action, d.unevaluated], ['ask', [{ rule: 0, missing: 'folder' }]]);
    assert.equal(evaluateRules([rule('deny', { folder: 'Prod/*' })], call([]), ASK).action, 'deny');
  });

  it('without a plan, a fact condition is unknown and the reason says the plan is missing', () => {
    const d = evaluateRules([rule('deny', { cluster: 'prod-*' }, 'no changes on prod')], call(undefined), ASK);
    assert.deepEqual([d.action, d.reason], ['deny', 'no changes on prod (applied because plan, cluster could not be checked)']);
    const allow = evaluateRules([rule('allow', { folder: 'Lab/*' })], call(undefined), ASK);
    assert.deepEqual([allow.action, allow.unevaluated], ['ask', [{ rule: 0, missing: 'plan, folder' }]]);
  });

  it('a time-only rule needs no plan', () => {
    const d = evaluateRules([rule('allow', { time: { from: '08:00', to: '18:00' } })], call(undefined), ASK);
    assert.deepEqual([d.action, d.rule, d.unevaluated], ['allow', 0, []]);
  });

  it('notes every skipped rule in the reason of the default, in order', () => {
    const rules = [rule('allow', { tags: 'env:test' }), rule('ask', { folder: 'Lab/*' }), rule('allow', { cluster: 'x' })];
    const d = evaluateRules(rules, call([{ cluster: 'dev-1' }]), ASK);
    assert.equal(d.action, 'ask');
    assert.equal(d.rule, undefined);
    assert.equal(d.reason, 'every change asks; policy.rules[0] skipped (tags unknown), policy.rules[1] skipped (folder unknown)');
  });
});

describe('policy rules: endpoints', () => {
  it('a rule for every endpoint applies to a call that has none', () => {
    const d = evaluateRules([rule('deny', undefined, 'no reads')], call(undefined, null), { action: 'allow', reason: 'read' });
    assert.deepEqual([d.action, d.rule], ['deny', 0]);
  });

  it('a rule that names endpoints never applies to a call without one, whatever its glob', () => {
    for (const endpoint of ['?*', 'undefined', 'u*']) {
      assert.equal(ruleApplies(rule('deny', undefined, 'x', endpoint), call(undefined, null)), false, endpoint);
      assert.equal(ruleApplies(rule('deny', undefined, 'x', endpoint), call(undefined, 'undefined')), true, endpoint);
    }
  });
});
