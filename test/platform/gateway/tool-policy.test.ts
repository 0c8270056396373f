import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { changesUpstream, needsApproval, visibleTools } from '../../../src/platform/gateway/tool-policy.js';

const tool = (name: string, annotations?: Record<string, boolean>) => ({ name, inputSchema: { type: 'object' as const }, ...(annotations && { annotations }) });
const read = tool('list', { readOnlyHint: true, destructiveHint: false });
const additive = tool('snapshot_create', { readOnlyHint: false, destructiveHint: false });
const bare = tool('mystery');
const cfg = (policy: { approve?: unknown[]; allow?: unknown[] } = {}, readOnly: boolean[] = [false]) => Config.parse({
  ...emptyConfig(),
  endpoints: readOnly.map((ro, i) => ({ id: `vc${i}`, kind: 'vsphere', url: `https://vc${i}.corp.example/sdk`, username: 'svc', readOnly: ro, tls: { verify: true }, credential: `endpoint:vc${i}` })),
  credentials: readOnly.map((_, i) => ({ id: `endpoint:vc${i}` })),
  policy: { approve: policy.approve ?? [], allow: policy.allow ?? [] },
});

describe('tool policy (issue 11)', () => {
  it('counts everything not annotated readOnlyHint: true as a write, unannotated included', () => {
    assert.deepEqual([changesUpstream(read), changesUpstream(additive), changesUpstream(bare)], [false, true, true]);
  });

  it('asks for every write unless policy.allow names it; policy.approve wins', () => {
    assert.equal(needsApproval('vsphere', additive, cfg()), true);
    assert.equal(needsApproval('vsphere', bare, cfg()), true);
    assert.equal(needsApproval('vsphere', read, cfg()), false);
    assert.equal(needsApproval('vsphere', additive, cfg({ allow: ['snapshot_create'] })), false);
    assert.equal(needsApproval('vsphere', additive, cfg({ allow: ['snapshot_create'], approve: ['snapshot_create'] })), true);
    assert.equal(needsApproval('vsphere', read, cfg({ approve: ['list'] })), true);
  });

  it('matches policy.allow with the server: server/tool and {server, tool}; a bare name only for the built-in servers (issue 14)', () => {
    // Security: an extra configured server presenting a tool named like an allowed one still asks.
    assert.equal(needsApproval('vsphere', additive, cfg({ allow: ['vsphere/snapshot_create'] })), false);
    assert.equal(needsApproval('p6', additive, cfg({ allow: ['vsphere/snapshot_create'] })), true);
    assert.equal(needsApproval('extra', additive, cfg({ allow: ['vsphere/snapshot_create'] })), true);
    assert.equal(needsApproval('extra', additive, cfg({ allow: [{ server: 'extra', tool: 'snapshot_create' }] })), false);
    assert.equal(needsApproval('vsphere', additive, cfg({ allow: [{ server: 'extra', tool: 'snapshot_create' }] })), true);
    assert.equal(needsApproval('extra', additive, cfg({ allow: ['extra/snapshot_create'] })), false);
    for (const builtIn of ['vsphere', 'p6']) assert.equal(needsApproval(builtIn, additive, cfg({ allow: ['snapshot_create'] })), false, builtIn);
    assert.equal(needsApproval('extra', additive, cfg({ allow: ['snapshot_create'] })), true, 'a bare name never allows an extra server');
    assert.equal(needsApproval('vsphere', additive, cfg({ allow: ['vsphere/snapshot_*'] })), true, 'names are exact, not globs');
  });

  it('matches policy.approve with the server too, a bare name on every server (asking more is safe)', () => {
    assert.equal(needsApproval('extra', read, cfg({ approve: ['list'] })), true);
    assert.equal(needsApproval('extra', read, cfg({ approve: ['vsphere/list'] })), false);
    assert.equal(needsApproval('vsphere', read, cfg({ approve: [{ server: 'vsphere', tool: 'list' }] })), true);
    assert.equal(needsApproval('vsphere', additive, cfg({ allow: ['vsphere/snapshot_create'], approve: ['snapshot_create'] })), true);
  });

  it('refuses a malformed entry in config.json with what to write', () => {
    for (const bad of ['Bad Server/x', '/x', 'a/b/c', { server: 'vsphere' }, { server: 'Nope!', tool: 'x' }]) {
      const r = Config.safeParse({ ...emptyConfig(), policy: { allow: [bad] } });
      assert.equal(r.success, false, JSON.stringify(bad));
    }
  });

  it('hides writes only when every endpoint is read-only', () => {
    assert.deepEqual(visibleTools([read, additive, bare], cfg({}, [true]), 'vsphere').map((t) => t.name), ['list']);
    assert.deepEqual(visibleTools([read, additive, bare], cfg({}, [true, false]), 'vsphere').map((t) => t.name), ['list', 'snapshot_create', 'mystery']);
  });
});
