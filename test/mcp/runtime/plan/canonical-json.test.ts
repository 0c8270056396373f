import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../../../src/mcp/runtime/plan/canonical-json.js';
import { planHash } from '../../../../src/mcp/runtime/plan/plan-hash.js';

describe('canonicalJson()', () => {
  it('sorts keys at every level and drops undefined, so equal values give equal text', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: 'x' } }), '{"a":{"c":"x","d":[2,{"z":1}]},"b":1}');
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  });
});

describe('planHash()', () => {
  const input = { tool: 'vsphere_power', args: { vm: 'web-01', action: 'off' }, summary: 'Power off VM web-01', changes: [], objects: ['VM web-01 (vm-42)'], precondition: [{ object: 'VM web-01', type: 'VirtualMachine', id: 'vm-42', values: { 'runtime.powerState': 'poweredOn' } }] };
  it('is 64 hex, stable under key order, and changes with anything the approval covers', () => {
    const h = planHash(input);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(planHash({ ...input, args: { action: 'off', vm: 'web-01' } }), h);
    assert.notEqual(planHash({ ...input, args: { vm: 'web-02', action: 'off' } }), h);
    assert.notEqual(planHash({ ...input, summary: 'Power on VM web-01' }), h);
    assert.notEqual(planHash({ ...input, precondition: [{ ...input.precondition[0]!, values: { 'runtime.powerState': 'poweredOff' } }] }), h);
  });
});
