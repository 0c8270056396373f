import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import type { PolicyRule, TargetFacts } from '../../../src/base/contracts/policy.js';
import { evaluateRules, type PolicySubject } from '../../../src/base/policy/evaluate-rules.js';
import { globMatch } from '../../../src/base/policy/glob.js';
import { inTimeWindow } from '../../../src/base/policy/time-window.js';

/** The issue's three example rules, as a user writes them in config.json. */
const RULES = Config.parse({
  ...emptyConfig(),
  policy: {
    rules: [
      { server: 'vsphere', tool: 'vsphere_snapshot_delete', when: { cluster: 'prod-*' }, action: 'deny', reason: 'never delete snapshots on production clusters' },
      { server: 'vsphere', tool: 'vsphere_power', when: { any: [{ tags: 'env:test' }, { folder: 'Lab/*' }], time: { from: '08:00', to: '18:00', timeZone: 'Europe/Paris' } }, action: 'allow', reason: 'lab power actions in office hours' },
      { server: 'p6', tool: '*', when: { obs: '*/Rail Delivery/*' }, action: 'ask', reason: 'P6 writes in Rail Delivery ask' },
      { server: 'p6', tool: '*', action: 'deny', reason: 'P6 writes only in projects under OBS Rail Delivery' },
    ],
  },
}).policy.rules;

// 2026-11-24 is a Tuesday; 10:00 UTC is 11:00 in Paris, 20:00 UTC is 21:00.
const OFFICE = Date.UTC(2026, 10, 24, 10, 0);
const NIGHT = Date.UTC(2026, 10, 24, 20, 0);
const ASK = { action: 'ask' as const, reason: 'every change asks' };

function subject(server: string, tool: string, facts: TargetFacts[] | undefined, now = OFFICE): PolicySubject {
  return { server, tool, endpoint: 'vc1', facts, now, timeZone: 'UTC' };
}

describe('policy rules', () => {
  it('allows lab power actions in the window: by folder, and by tag when tags are known', () => {
    const lab = evaluateRules(RULES, subject('vsphere', 'vsphere_power', [{ folder: 'Lab/web', cluster: 'dev-1' }]), ASK);
    assert.deepEqual([lab.action, lab.rule], ['allow', 1]);
    const labRoot = evaluateRules(RULES, subject('vsphere', 'vsphere_power', [{ folder: 'Lab' }]), ASK);
    assert.equal(labRoot.action, 'allow', 'Lab/* covers the Lab folder itself');
    const tagged = evaluateRules(RULES, subject('vsphere', 'vsphere_power', [{ folder: 'Prod', tags: ['env:test', 'owner:ops'] }]), ASK);
    assert.deepEqual([tagged.action, tagged.rule], ['allow', 1]);
  });

  it('asks outside the window, outside Lab, and for a VM with an unreadable folder and no tags', () => {
    assert.equal(evaluateRules(RULES, subject('vsphere', 'vsphere_power', [{ folder: 'Lab/web' }], NIGHT), ASK).action, 'ask');
    assert.equal(evaluateRules(RULES, subject('vsphere', 'vsphere_power', [{ folder: 'Prod/db', tags: [] }]), ASK).action, 'ask');
    assert.equal(evaluateRules(RULES, subject('vsphere', 'vsphere_power', [{ folder: 'Laboratory' }]), ASK).action, 'ask', 'Lab/* is not a prefix match on names');
    // Security: tags unknown and folder unknown: the allow rule cannot be evaluated, so it never allows.
    const unknown = evaluateRules(RULES, subject('vsphere', 'vsphere_power', [{ cluster: 'dev-1' }]), ASK);
    assert.equal(unknown.action, 'ask');
    assert.deepEqual(unknown.unevaluated.map((u) => u.rule), [1]);
    assert.match(unknown.reason, /policy\.rules\[1\] skipped \(tags, folder unknown\)/);
    // No plan at all (the inventory was unreachable): same.
    assert.equal(evaluateRules(RULES, subject('vsphere', 'vsphere_power', undefined), ASK).action, 'ask');
  });

  it('every target must satisfy the rule: one VM outside Lab makes a two-VM call ask', () => {
    assert.equal(evaluateRules(RULES, subject('vsphere', 'vsphere_power', [{ folder: 'Lab/a' }, { folder: 'Prod/b' }]), ASK).action, 'ask');
  });

  it('denies snapshot deletes on prod-* clusters, and when the cluster cannot be read', () => {
    const prod = evaluateRules(RULES, subject('vsphere', 'vsphere_snapshot_delete', [{ cluster: 'prod-east', folder: 'Lab' }]), ASK);
    assert.deepEqual([prod.action, prod.rule, prod.reason], ['deny', 0, 'never delete snapshots on production clusters']);
    assert.equal(evaluateRules(RULES, subject('vsphere', 'vsphere_snapshot_delete', [{ cluster: 'dev-1' }]), ASK).action, 'ask');
    // Security: a deny rule whose condition cannot be checked denies (fails closed).
    const blind = evaluateRules(RULES, subject('vsphere', 'vsphere_snapshot_delete', [{ folder: 'Lab' }]), ASK);
    assert.equal(blind.action, 'deny');
    assert.match(blind.reason, /cluster could not be checked/);
  });

  it('P6 writes go on (asking) only under OBS Rail Delivery and are denied elsewhere', () => {
    const rail = evaluateRules(RULES, subject('p6', 'p6_update_activity', [{ obs: 'Enterprise/Rail Delivery/North', project: 'NORTH-LINE' }]), ASK);
    assert.deepEqual([rail.action, rail.rule], ['ask', 2]);
    const railRoot = evaluateRules(RULES, subject('p6', 'p6_update_activity', [{ obs: 'Enterprise/Rail Delivery' }]), ASK);
    assert.equal(railRoot.action, 'ask');
    const other = evaluateRules(RULES, subject('p6', 'p6_update_activity', [{ obs: 'Enterprise/Highways' }]), ASK);
    assert.deepEqual([other.action, other.rule], ['deny', 3]);
  });

  it('falls back to the default when no rule applies, and a read can be denied on its endpoint alone', () => {
    const none = evaluateRules(RULES, subject('vsphere', 'vsphere_snapshot_create', [{ folder: 'Lab' }]), ASK);
    assert.deepEqual([none.action, none.rule], ['ask', undefined]);
    const readDeny: PolicyRule[] = [{ server: '*', tool: 'vsphere_list_*', endpoint: 'vc-prod*', action: 'deny', reason: 'no inventory reads on prod' }];
    assert.equal(evaluateRules(readDeny, { ...subject('vsphere', 'vsphere_list_vms', undefined), endpoint: 'vc-prod-1' }, { action: 'allow', reason: 'read' }).action, 'deny');
    assert.equal(evaluateRules(readDeny, { ...subject('vsphere', 'vsphere_list_vms', undefined), endpoint: 'vc-lab' }, { action: 'allow', reason: 'read' }).action, 'allow');
  });
});

describe('policy globs and time windows', () => {
  it('matches globs case-insensitively and whole', () => {
    assert.ok(globMatch('prod-*', 'PROD-east'), 'prod-* matches PROD-east whatever the case');
    assert.ok(!globMatch('prod-*', 'preprod-east'), 'prod-* does not match preprod-east: a glob matches the whole name');
    assert.ok(globMatch('vsphere_snapshot_?elete', 'vsphere_snapshot_delete'), '? matches one character');
    assert.ok(!globMatch('a.b', 'axb'), 'regex characters are literal');
  });

  it('evaluates windows in the named time zone, the default zone, by day, and across midnight', () => {
    const w = { from: '08:00', to: '18:00' };
    assert.ok(inTimeWindow({ ...w, timeZone: 'Europe/Paris' }, OFFICE, 'UTC'), 'office hours in Paris include OFFICE');
    assert.ok(!inTimeWindow({ ...w, timeZone: 'America/New_York' }, OFFICE, 'UTC'), '05:00 in New York');
    assert.ok(inTimeWindow(w, OFFICE, 'Europe/Paris'), 'without its own zone a window uses the default zone (Paris)');
    assert.ok(!inTimeWindow(w, OFFICE, 'Asia/Tokyo'), '19:00 in Tokyo');
    assert.ok(!inTimeWindow({ ...w, days: ['sat', 'sun'] }, OFFICE, 'UTC'), 'a Tuesday');
    const night = { from: '22:00', to: '06:00', days: ['tue' as const] };
    assert.ok(inTimeWindow(night, Date.UTC(2026, 10, 24, 23, 0), 'UTC'), 'Tuesday 23:00');
    assert.ok(inTimeWindow(night, Date.UTC(2026, 10, 25, 3, 0), 'UTC'), 'Wednesday 03:00 belongs to Tuesday night');
    assert.ok(!inTimeWindow(night, Date.UTC(2026, 10, 24, 3, 0), 'UTC'), 'Tuesday 03:00 belongs to Monday night');
  });

  it('rejects an unknown time zone and a malformed time in config, with what to write instead', () => {
    const bad = Config.safeParse({ ...emptyConfig(), policy: { rules: [{ action: 'allow', reason: 'x', when: { time: { from: '8:00', to: '18:00', timeZone: 'Mars/Olympus' } } }] } });
    assert.ok(!bad.success, 'a malformed time or unknown time zone in a rule is refused');
    const text = bad.error.issues.map((i) => i.message).join('; ');
    assert.match(text, /HH:MM/);
    assert.match(text, /IANA/);
    const typo = Config.safeParse({ ...emptyConfig(), policy: { rules: [{ action: 'allow', reason: 'x', when: { foldr: 'Lab' } }] } });
    assert.ok(!typo.success, 'an unknown fact name is an error, not a condition that never holds');
  });
});
