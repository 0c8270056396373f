// vSphere tags as plan facts (issue 14, D60), on vcsim: a VM's tags are read through the
// endpoint's vAPI REST session as `category:name`, a VM without tags has the fact `[]`, and
// when tags cannot be read (a grant without a vAPI session, as from an ESXi host) the fact is
// absent, so a rule that needs it never allows: an allow rule is skipped, a deny rule denies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRule } from '../../../src/base/contracts/policy.js';
import { PolicyRule as PolicyRuleSchema } from '../../../src/base/contracts/policy.js';
import { evaluateRules } from '../../../src/base/policy/evaluate-rules.js';
import { createVsphereClients } from '../../../src/mcp/vsphere/endpoint-clients.js';
import { powerPlan } from '../../../src/mcp/vsphere/plan/power-plan.js';
import { readVmState } from '../../../src/mcp/vsphere/plan/vm-state.js';
import { vmTagReader } from '../../../src/mcp/vsphere/plan/vm-tags.js';
import type { TokenSource } from '../../../src/mcp/runtime/token-source.js';
import { startVcsim, type Vcsim } from '../../support/vcsim.js';
import { adminSession, type AdminSession } from './admin-session.js';
import { vcsimTokens, type VcsimTokens } from './vcsim-tokens.js';

/** The example, without its time window (tested in test/base/policy). */
const RULES: PolicyRule[] = [
  PolicyRuleSchema.parse({ server: 'vsphere', tool: 'vsphere_power', when: { any: [{ tags: 'env:test' }, { folder: 'Lab/*' }] }, action: 'allow', reason: 'lab power actions' }),
];
const decide = (rules: PolicyRule[], facts: Record<string, string | string[]>) =>
  evaluateRules(rules, { server: 'vsphere', tool: 'vsphere_power', endpoint: 'vc', facts: [facts], now: Date.UTC(2026, 11, 7, 10), timeZone: 'UTC' }, { action: 'ask', reason: 'every change asks' });

describe('vSphere tags as plan facts (issue 14)', () => {
  let vcsim: Vcsim;
  let admin: AdminSession;
  let tokens: VcsimTokens;
  let clients: ReturnType<typeof createVsphereClients>;
  let noVapi: ReturnType<typeof createVsphereClients>;

  before(async () => {
    vcsim = await startVcsim({ vms: 2, clusters: 0, hosts: 1, standalone: 1 });
    admin = await adminSession(vcsim);
    const test = await admin.createTag('env', 'test');
    await admin.attachTag(test, 'DC0_H0_VM0');
    await admin.attachTag(await admin.createTag('owner', 'team-a'), 'DC0_H0_VM0');
    tokens = vcsimTokens(vcsim);
    clients = createVsphereClients({ tokens });
    // The same login without its vAPI session: what an ESXi host (no vAPI) hands the child.
    const withoutVapi: TokenSource = {
      ...tokens,
      get: async (e) => {
        const { restToken: _dropped, ...grant } = await tokens.get(e);
        return grant;
      },
      renew: async (e, stale) => {
        const { restToken: _dropped, ...grant } = await tokens.renew(e, stale);
        return grant;
      },
    };
    noVapi = createVsphereClients({ tokens: withoutVapi });
  });
  after(async () => {
    await clients?.dispose();
    await noVapi?.dispose();
    await tokens?.close();
    await admin?.close();
    await vcsim?.stop();
  });

  it('reads a tagged VM\'s tags as category:name, and [] for a VM without tags', async () => {
    const tagged = await readVmState(await clients.forEndpoint('vc', undefined), 'DC0_H0_VM0', vmTagReader(clients, 'vc'));
    assert.deepEqual(tagged.facts['tags'], ['env:test', 'owner:team-a']);
    const plain = await readVmState(await clients.forEndpoint('vc', undefined), 'DC0_H0_VM1', vmTagReader(clients, 'vc'));
    assert.deepEqual(plain.facts['tags'], []);
    const p = powerPlan(tagged, 'off');
    assert.deepEqual(p.facts?.[0]?.['tags'], ['env:test', 'owner:team-a']);
  });

  it('the issue\'s rule allows the VM tagged env:test through its tag branch, and not the untagged one outside Lab/', async () => {
    const tagged = await readVmState(await clients.forEndpoint('vc', undefined), 'DC0_H0_VM0', vmTagReader(clients, 'vc'));
    assert.deepEqual([decide(RULES, tagged.facts).action, decide(RULES, tagged.facts).rule], ['allow', 0]);
    const plain = await readVmState(await clients.forEndpoint('vc', undefined), 'DC0_H0_VM1', vmTagReader(clients, 'vc'));
    const d = decide(RULES, plain.facts);
    assert.deepEqual([d.action, d.rule, d.unevaluated], ['ask', undefined, []], 'known: no tag, not in Lab/ (nothing unknown)');
  });

  it('tags that cannot be read leave the fact unknown: the allow rule never allows, a deny rule on tags denies (Security)', async () => {
    const state = await readVmState(await noVapi.forEndpoint('vc', undefined), 'DC0_H0_VM0', vmTagReader(noVapi, 'vc'));
    assert.equal('tags' in state.facts, false, JSON.stringify(state.facts));
    assert.equal(state.facts['folder'], '', 'other facts are still read');
    const d = decide(RULES, state.facts);
    assert.equal(d.action, 'ask');
    assert.deepEqual(d.unevaluated, [{ rule: 0, missing: 'tags' }]);
    const deny = [PolicyRuleSchema.parse({ tool: 'vsphere_power', when: { tags: 'env:prod' }, action: 'deny', reason: 'never touch production' }), ...RULES];
    assert.equal(decide(deny, state.facts).action, 'deny');
    // Without a reader at all (no vAPI client given) the fact is unknown too.
    const none = await readVmState(await clients.forEndpoint('vc', undefined), 'DC0_H0_VM0');
    assert.equal('tags' in none.facts, false);
  });
});
