import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer, type CoalescedCount } from '../../src/base/coalescer.js';
import { ManualClock } from '../mocks/manual-clock.js';

interface Ev { readonly k: string }

function world(options: { leading?: boolean; room?: () => boolean } = {}) {
  const clock = new ManualClock();
  const written: CoalescedCount<Ev>[] = [];
  const coalescer = new Coalescer<Ev>({
    clock, intervalMs: 1000, maxKeys: 2, keyOf: (e) => e.k, fold: () => ({ k: 'other' }),
    write: (c) => (options.room?.() ?? true) && written.push(c) > 0,
    onError: (e) => assert.fail(`unexpected write error ${String(e)}`),
    ...(options.leading === undefined ? {} : { leading: options.leading }),
  });
  return { clock, written, coalescer };
}

describe('Coalescer', () => {
  it('with leading false writes nothing at once, then one summary with the first and last time', () => {
    const { clock, written, coalescer } = world({ leading: false });
    const first = clock.now();
    coalescer.record({ k: 'a' });
    clock.advance(300);
    coalescer.record({ k: 'a' });
    coalescer.record({ k: 'a' });
    assert.equal(written.length, 0, 'the caller wrote the first in full; nothing more at once');
    clock.advance(700);
    assert.deepEqual(written, [{ item: { k: 'a' }, count: 3, since: first, last: first + 300 }], 'one summary of the three, first and last time');
    clock.advance(1000);
    assert.equal(written.length, 1, 'a quiet interval writes nothing');
  });

  it('forget writes what is pending at once and starts the key afresh', () => {
    const { clock, written, coalescer } = world();
    coalescer.record({ k: 'a' });
    coalescer.record({ k: 'a' });
    coalescer.forget('a');
    assert.deepEqual(written.map((w) => w.count), [1, 1], 'the leading record, then the pending one on forget');
    coalescer.record({ k: 'a' });
    assert.equal(written.length, 3, 'after forget the next event is a first again, written at once');
    clock.advance(1000);
    assert.equal(written.length, 3, 'nothing was pending');
    coalescer.dispose();
  });

  it('forget keeps a count the sink had no room for', () => {
    let room = false;
    const { clock, written, coalescer } = world({ leading: false, room: () => room });
    coalescer.record({ k: 'a' });
    coalescer.forget('a');
    assert.equal(written.length, 0, 'no room, nothing written');
    room = true;
    clock.advance(1000);
    assert.deepEqual(written.map((w) => w.count), [1], 'the kept count goes out with the next summary');
  });

  it('folds keys past maxKeys', () => {
    const { written, coalescer } = world();
    for (const k of ['a', 'b', 'c', 'd']) coalescer.record({ k });
    assert.deepEqual(written.map((w) => w.item.k), ['a', 'b', 'other'], 'c and d share the folded key');
    coalescer.dispose();
    assert.deepEqual(written.map((w) => w.count), [1, 1, 1, 1], 'd was counted under other and written at dispose');
  });
});
