import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { changesUpstream, needsApproval, visibleTools } from '../../../src/platform/gateway/tool-policy.js';

const tool = (name: string, annotations?: Record<string, boolean>) => ({ name, inputSchema: { type: 'object' as const }, ...(annotations && { annotations }) });
const read = tool('list', { readOnlyHint: true, destructiveHint: false });
const additive = tool('snapshot_create', { readOnlyHint: false, destructiveHint: false });
const bare = tool('mystery');
const cfg = (policy: { approve?: string[]; allow?: string[] } = {}, readOnly: boolean[] = [false]) => Config.parse({
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
    assert.equal(needsApproval(additive, cfg()), true);
    assert.equal(needsApproval(bare, cfg()), true);
    assert.equal(needsApproval(read, cfg()), false);
    assert.equal(needsApproval(additive, cfg({ allow: ['snapshot_create'] })), false);
    assert.equal(needsApproval(additive, cfg({ allow: ['snapshot_create'], approve: ['snapshot_create'] })), true);
    assert.equal(needsApproval(read, cfg({ approve: ['list'] })), true);
  });

  it('hides writes only when every endpoint is read-only', () => {
    assert.deepEqual(visibleTools([read, additive, bare], cfg({}, [true]), 'vsphere').map((t) => t.name), ['list']);
    assert.deepEqual(visibleTools([read, additive, bare], cfg({}, [true, false]), 'vsphere').map((t) => t.name), ['list', 'snapshot_create', 'mystery']);
  });
});
