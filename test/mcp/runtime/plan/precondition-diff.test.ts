import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { changedSentence, diffPrecondition } from '../../../../src/mcp/runtime/plan/precondition-diff.js';

const vm = { object: 'VM web-01', type: 'VirtualMachine', id: 'vm-42', values: { 'runtime.powerState': 'poweredOn', 'config.changeVersion': '7' } };

describe('diffPrecondition() and changedSentence()', () => {
  it('finds nothing when every value still holds', () => {
    assert.deepEqual(diffPrecondition([vm], [{ ...vm }]), []);
    assert.equal(changedSentence([]), undefined);
  });

  it('names the object, what changed and that nothing ran', () => {
    const changes = diffPrecondition([vm], [{ ...vm, values: { 'runtime.powerState': 'poweredOff', 'config.changeVersion': '8' } }]);
    assert.equal(changes.length, 2);
    const text = changedSentence(changes, { label: (k) => (k === 'runtime.powerState' ? 'power state' : k), explain: () => 'it was powered off by someone else' });
    assert.equal(text, 'VM web-01 changed since you approved: it was powered off by someone else (power state poweredOn → poweredOff, config.changeVersion 7 → 8). Nothing was run; call the tool again to see a fresh plan and approve that.');
  });

  it('says so when the object is gone', () => {
    assert.match(changedSentence(diffPrecondition([vm], []))!, /^VM web-01 changed since you approved: it no longer exists\. Nothing was run/);
  });
});
