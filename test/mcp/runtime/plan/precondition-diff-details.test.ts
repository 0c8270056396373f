// The re-check before an approved write (issue 11, D41): every value that no longer holds is
// found, an object is matched by type and id together, and the refusal names the object, what
// changed and that nothing ran.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PreconditionObject } from '../../../../src/base/contracts/plan-protocol.js';
import { changedSentence, diffPrecondition, type PreconditionChange } from '../../../../src/mcp/runtime/plan/precondition-diff.js';

const TAIL = 'Nothing was run; call the tool again to see a fresh plan and approve that.';
const vm: PreconditionObject = { object: 'VM web-01', type: 'VirtualMachine', id: 'vm-42', values: { 'runtime.powerState': 'poweredOn', 'config.changeVersion': '7' } };

describe('diffPrecondition() (Security: a change since the approval is never missed)', () => {
  it('matches an object by type and id together: another type with the id, or another id, is not it', () => {
    const gone = [{ object: 'VM web-01', key: '', before: 'exists' }];
    assert.deepEqual(diffPrecondition([vm], [{ ...vm, type: 'Datastore' }]), gone);
    assert.deepEqual(diffPrecondition([vm], [{ ...vm, id: 'vm-43' }]), gone);
    // The right one found among others, whatever their order.
    const moved = { ...vm, values: { ...vm.values, 'runtime.powerState': 'poweredOff' } };
    assert.deepEqual(diffPrecondition([vm], [{ ...vm, type: 'Datastore', values: {} }, moved, { ...vm, id: 'vm-1' }]), [{ object: 'VM web-01', key: 'runtime.powerState', before: 'poweredOn', after: 'poweredOff' }]);
  });

  it('reads a value no longer there as unset: a change from a set value, none from an unset one', () => {
    const host = { object: 'VM web-01', type: 'VirtualMachine', id: 'vm-42', values: { host: 'esx-07', pool: '' } };
    assert.deepEqual(diffPrecondition([host], [{ ...host, values: {} }]), [{ object: 'VM web-01', key: 'host', before: 'esx-07', after: '' }]);
  });

  it('checks every approved object and every value, in order, and only the approved values', () => {
    const ds = { object: 'datastore ds1', type: 'Datastore', id: 'ds-1', values: { free: '10' } };
    const changes = diffPrecondition([vm, ds], [{ ...ds, values: { free: '9', extra: 'new' } }, { ...vm, values: { 'runtime.powerState': 'poweredOn', 'config.changeVersion': '8' } }]);
    assert.deepEqual(changes, [
      { object: 'VM web-01', key: 'config.changeVersion', before: '7', after: '8' },
      { object: 'datastore ds1', key: 'free', before: '10', after: '9' },
    ]);
  });

  it('finds every changed value of a random precondition, and nothing when it still holds', () => {
    const values = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 3 }), { maxKeys: 5 });
    fc.assert(fc.property(values, values, (before, after) => {
      const was = { ...vm, values: before };
      const found = diffPrecondition([was], [{ ...vm, values: after }]);
      const expected = Object.entries(before).filter(([k, v]) => (Object.hasOwn(after, k) ? after[k] : '') !== v).map(([key, v]) => ({ object: vm.object, key, before: v, after: Object.hasOwn(after, key) ? after[key] : '' }));
      assert.deepEqual(found, expected);
      assert.deepEqual(diffPrecondition([was], [{ ...was }]), []);
    }), { numRuns: 500 });
  });
});

describe('changedSentence()', () => {
  const change = (c: Partial<PreconditionChange>): PreconditionChange => ({ object: 'VM web-01', key: 'runtime.powerState', before: 'poweredOn', after: 'poweredOff', ...c });

  it('names the keys as they are without a label, and says why only when told', () => {
    assert.equal(changedSentence([change({})]), `VM web-01 changed since you approved (runtime.powerState poweredOn → poweredOff). ${TAIL}`);
    assert.equal(changedSentence([change({})], { explain: () => undefined }), `VM web-01 changed since you approved (runtime.powerState poweredOn → poweredOff). ${TAIL}`);
    assert.equal(changedSentence([change({})], { explain: (c) => `its ${c.key} changed` }), `VM web-01 changed since you approved: its runtime.powerState changed (runtime.powerState poweredOn → poweredOff). ${TAIL}`);
  });

  it('shows an empty value as (unset), on either side', () => {
    assert.equal(changedSentence([change({ before: '', after: 'esx-07', key: 'host' }), change({ before: 'pool-1', after: '', key: 'pool' })]), `VM web-01 changed since you approved (host (unset) → esx-07, pool pool-1 → (unset)). ${TAIL}`);
  });

  it('lists the first object\'s changes only, and says a gone object no longer exists', () => {
    const other = change({ object: 'datastore ds1', key: 'free', before: '10', after: '9' });
    assert.equal(changedSentence([change({}), other, change({ key: 'config.changeVersion', before: '7', after: '8' })]), `VM web-01 changed since you approved (runtime.powerState poweredOn → poweredOff, config.changeVersion 7 → 8). ${TAIL}`);
    const gone: PreconditionChange = { object: 'VM web-01', key: '', before: 'exists' };
    assert.equal(changedSentence([gone, other], { explain: () => 'never asked' }), `VM web-01 changed since you approved: it no longer exists. ${TAIL}`);
  });

  it('lists only the values that changed when two approved objects share a name and one of them is gone', () => {
    // Two objects a plan named alike (a VM and its template, both "VM web-01"); only values are listed.
    const gone: PreconditionChange = { object: 'VM web-01', key: '', before: 'exists' };
    assert.equal(changedSentence([change({}), gone]), `VM web-01 changed since you approved (runtime.powerState poweredOn → poweredOff). ${TAIL}`);
  });

  it('says something for any change, and nothing only when there is none', () => {
    fc.assert(fc.property(fc.array(fc.record({ object: fc.string({ minLength: 1 }), key: fc.string(), before: fc.string(), after: fc.option(fc.string(), { nil: undefined }) }), { maxLength: 4 }), (changes) => {
      const text = changedSentence(changes);
      if (changes.length === 0) assert.equal(text, undefined);
      else assert.ok(text!.startsWith(`${changes[0]!.object} changed since you approved`) && text!.endsWith(TAIL), text);
    }), { numRuns: 300 });
  });
});
