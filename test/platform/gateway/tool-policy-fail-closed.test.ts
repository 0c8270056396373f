// Security rule (issue 12): a tool without annotations waits for approval. MCP's defaults
// make an unannotated tool destructive, so the gateway fails closed on missing hints.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { changesUpstream, endpointsOf, needsApproval, targetEndpoint, visibleTools } from '../../../src/platform/gateway/tool-policy.js';

const endpoint = (id: string, readOnly: boolean) => ({ id, kind: 'vsphere' as const, url: `https://${id}.corp.example/sdk`, username: 'svc', readOnly, tls: { verify: true }, credential: `endpoint:${id}` });
const config = (opts: { approve?: string[]; readOnly?: boolean } = {}) =>
  Config.parse({ ...emptyConfig(), endpoints: [endpoint('vc1', opts.readOnly ?? false)], credentials: [{ id: 'endpoint:vc1' }], policy: { approve: opts.approve ?? [] } });

describe('tool policy fails closed', () => {
  it('asks for a tool with no annotations, empty annotations, or only readOnlyHint: false', () => {
    for (const tool of [{ name: 'bare' }, { name: 'empty', annotations: {} }, { name: 'rw', annotations: { readOnlyHint: false } }, { name: 'idem', annotations: { idempotentHint: true } }]) {
      assert.equal(changesUpstream(tool), true, tool.name);
      assert.equal(needsApproval('vsphere', tool, config()), true, tool.name);
    }
  });

  it('lets through only a tool that says it is read-only (issue 11: every write asks)', () => {
    assert.equal(needsApproval('vsphere', { name: 'ro', annotations: { readOnlyHint: true } }, config()), false);
    // Not destructive still changes the upstream (a new snapshot fills a datastore): it asks.
    assert.equal(needsApproval('vsphere', { name: 'nd', annotations: { destructiveHint: false } }, config()), true);
    // readOnlyHint wins over a contradictory destructiveHint, as MCP defines it.
    assert.equal(needsApproval('vsphere', { name: 'both', annotations: { readOnlyHint: true, destructiveHint: true } }, config()), false);
    assert.equal(needsApproval('vsphere', { name: 'd', annotations: { readOnlyHint: false, destructiveHint: true } }, config()), true);
  });

  it('asks for a tool named in policy.approve whatever its annotations say', () => {
    assert.equal(needsApproval('vsphere', { name: 'ro', annotations: { readOnlyHint: true } }, config({ approve: ['ro'] })), true);
    assert.equal(needsApproval('vsphere', { name: 'other', annotations: { readOnlyHint: true } }, config({ approve: ['ro'] })), false);
  });

  it('hides unannotated tools when every endpoint is read-only, and shows them otherwise', () => {
    const tools = [
      { name: 'bare', inputSchema: { type: 'object' as const } },
      { name: 'ro', inputSchema: { type: 'object' as const }, annotations: { readOnlyHint: true } },
    ];
    assert.deepEqual(visibleTools(tools, config({ readOnly: true }), 'vsphere').map((t) => t.name), ['ro']);
    assert.deepEqual(visibleTools(tools, config({ readOnly: false }), 'vsphere').map((t) => t.name), ['bare', 'ro']);
    // No endpoint of the kind at all: nothing to protect, nothing hidden.
    assert.deepEqual(visibleTools(tools, config({ readOnly: true }), 'p6').map((t) => t.name), ['bare', 'ro']);
  });

  it('hides nothing when only some endpoints of the kind are read-only', () => {
    const mixed = Config.parse({ ...emptyConfig(), endpoints: [endpoint('vc1', true), endpoint('vc2', false)], credentials: [{ id: 'endpoint:vc1' }, { id: 'endpoint:vc2' }] });
    const tools = [{ name: 'bare', inputSchema: { type: 'object' as const } }];
    assert.deepEqual(visibleTools(tools, mixed, 'vsphere').map((t) => t.name), ['bare']);
  });
});

describe('targetEndpoint()', () => {
  const two = Config.parse({ ...emptyConfig(), endpoints: [endpoint('vc1', false), endpoint('vc2', true)], credentials: [{ id: 'endpoint:vc1' }, { id: 'endpoint:vc2' }] });
  it('is the named endpoint of the kind, or none when the name is unknown or of another kind', () => {
    assert.equal(targetEndpoint({ endpoint: 'vc2' }, two, 'vsphere')?.id, 'vc2');
    assert.equal(targetEndpoint({ endpoint: 'nope' }, two, 'vsphere'), undefined);
    assert.equal(targetEndpoint({ endpoint: 'vc1' }, two, 'p6'), undefined);
  });

  it('is the only endpoint of the kind when none is named (or the name is not a string), else none', () => {
    assert.equal(targetEndpoint(undefined, config(), 'vsphere')?.id, 'vc1');
    assert.equal(targetEndpoint({ endpoint: 42 }, config(), 'vsphere')?.id, 'vc1');
    assert.equal(targetEndpoint({}, two, 'vsphere'), undefined);
    assert.equal(targetEndpoint({}, config(), 'p6'), undefined);
    assert.deepEqual(endpointsOf(two, 'vsphere').map((e) => e.id), ['vc1', 'vc2']);
  });
});
