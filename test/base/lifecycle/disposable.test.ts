import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableBase, DisposableStore, disposeAll, toDisposable, type Disposable } from '../../../src/base/lifecycle/disposable.js';
import { BugError } from '../../../src/base/errors/core-error.js';

function tracked(log: string[], name: string): Disposable {
  return toDisposable(() => log.push(name));
}

describe('toDisposable()', () => {
  it('runs the function once however often it is disposed', () => {
    let calls = 0;
    const d = toDisposable(() => calls++);
    d.dispose();
    d.dispose();
    assert.equal(calls, 1);
  });
});

describe('disposeAll()', () => {
  it('disposes the rest when one throws, then rethrows that error', () => {
    const log: string[] = [];
    const boom = new Error('boom');
    const items = [tracked(log, 'a'), { dispose: () => { throw boom; } }, tracked(log, 'c')];
    assert.throws(() => disposeAll(items), (e) => e === boom);
    assert.deepEqual(log, ['a', 'c']);
  });

  it('throws an AggregateError carrying every failure when several throw', () => {
    const e1 = new Error('one');
    const e2 = new Error('two');
    assert.throws(
      () => disposeAll([{ dispose: () => { throw e1; } }, { dispose: () => { throw e2; } }]),
      (e) => e instanceof AggregateError && e.errors[0] === e1 && e.errors[1] === e2,
    );
  });
});

describe('DisposableStore', () => {
  it('disposes its items in reverse order of registration, once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(tracked(log, 'first'));
    store.add(tracked(log, 'second'));
    store.dispose();
    store.dispose();
    assert.deepEqual(log, ['second', 'first']);
    assert.equal(store.size, 0);
    assert.equal(store.isDisposed, true);
  });

  it('disposes at once what is added after the store was disposed', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.dispose();
    const d = store.add(tracked(log, 'late'));
    assert.deepEqual(log, ['late']);
    assert.equal(store.size, 0);
    assert.ok(d, 'adding to a disposed store still returns the disposable');
  });

  it('clear() disposes what it holds and stays usable', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(tracked(log, 'a'));
    store.clear();
    store.add(tracked(log, 'b'));
    assert.deepEqual(log, ['a']);
    assert.equal(store.size, 1);
    store.dispose();
    assert.deepEqual(log, ['a', 'b']);
  });

  it('delete() hands an item back without disposing it', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    const d = store.add(tracked(log, 'moved'));
    store.delete(d);
    store.dispose();
    assert.deepEqual(log, []);
  });

  it('refuses to own itself', () => {
    const store = new DisposableStore();
    assert.throws(() => store.add(store), BugError);
  });
});

class Owner extends DisposableBase {
  constructor(log: string[]) {
    super();
    this.register(tracked(log, 'timer'));
    this.register(tracked(log, 'listener'));
  }
  get disposed(): boolean {
    return this.isDisposed;
  }
  adopt(d: Disposable): Disposable {
    return this.register(d);
  }
}

describe('DisposableBase', () => {
  it('dispose() releases everything registered, newest first', () => {
    const log: string[] = [];
    const owner = new Owner(log);
    assert.equal(owner.disposed, false);
    owner.dispose();
    assert.deepEqual(log, ['listener', 'timer']);
    assert.equal(owner.disposed, true);
  });

  it('register() returns its argument, for field initialisers', () => {
    const owner = new Owner([]);
    const d = toDisposable(() => {});
    assert.equal(owner.adopt(d), d);
    owner.dispose();
  });

  it('register() after dispose disposes the newcomer immediately', () => {
    const log: string[] = [];
    const owner = new Owner([]);
    owner.dispose();
    owner.adopt(tracked(log, 'late'));
    assert.deepEqual(log, ['late']);
  });

  it('refuses to register itself', () => {
    const owner = new Owner([]);
    assert.throws(() => owner.adopt(owner), BugError);
    owner.dispose();
  });
});
