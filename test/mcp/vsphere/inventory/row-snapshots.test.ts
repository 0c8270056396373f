import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RowSnapshots } from '../../../../src/mcp/vsphere/inventory/row-snapshots.js';
import { fullGc } from '../../../support/full-gc.js';

describe('RowSnapshots', () => {
  it('reads afresh for a first page and reuses the rows for later pages within a minute', async () => {
    let now = 0;
    let loads = 0;
    const snaps = new RowSnapshots(() => now);
    const load = async () => [++loads];
    assert.deepEqual(await snaps.rows('q', false, load), [1]);
    assert.deepEqual(await snaps.rows('q', true, load), [1]);
    assert.deepEqual(await snaps.rows('q', false, load), [2], 'a first page never reuses');
    now = 60_000;
    assert.deepEqual(await snaps.rows('q', true, load), [3], 'expired after a minute');
    assert.deepEqual(await snaps.rows('other', true, load), [4], 'nothing remembered for another query');
  });

  it('remembers a bounded number of queries', async () => {
    const snaps = new RowSnapshots(() => 0);
    let loads = 0;
    for (let i = 0; i < 20; i++) await snaps.rows(`q${i}`, false, async () => [++loads]);
    await snaps.rows('q0', true, async () => [++loads]);
    assert.equal(loads, 21, 'the oldest query was forgotten');
    await snaps.rows('q19', true, async () => [++loads]);
    assert.equal(loads, 21, 'the newest is kept');
  });

  it('lets go of rows over a minute old when another query loads (they can no longer be served)', async () => {
    let now = 0;
    const snaps = new RowSnapshots(() => now);
    const old = [new WeakRef(await snaps.rows('q', false, async () => [{ vm: 'vm-1' }])), new WeakRef(await snaps.rows('r', false, async () => [{ vm: 'vm-2' }]))];
    now = 60_000;
    await snaps.rows('other', false, async () => [{ vm: 'vm-3' }]);
    await new Promise(setImmediate);
    fullGc();
    assert.deepEqual(old.map((ref) => ref.deref()), [undefined, undefined], 'both expired queries\' rows were released');
  });

  it('keeps rows under a minute old when another query loads', async () => {
    let now = 0;
    const snaps = new RowSnapshots(() => now);
    const kept = new WeakRef(await snaps.rows('q', false, async () => [{ vm: 'vm-1' }]));
    now = 59_999;
    await snaps.rows('other', false, async () => [{ vm: 'vm-3' }]);
    await new Promise(setImmediate);
    fullGc();
    assert.ok(kept.deref() !== undefined, 'the snapshot still in use survives a full GC');
    let loads = 0;
    await snaps.rows('q', true, async () => [++loads]);
    assert.equal(loads, 0, 'still served to a walk that continues');
  });
});
