import { BugError } from '../errors/core-error.js';

/**
 * Something that holds a resource (listener, timer, child process, window, file handle)
 * and releases it on `dispose()` (STYLE.md §6). Calling `dispose()` twice must be harmless.
 */
export interface Disposable {
  dispose(): void;
}

/** A Disposable that runs `fn` once, on the first `dispose()`. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** A Disposable that owns nothing: returned where a caller expects one but nothing was registered. */
export const NONE_DISPOSABLE: Disposable = Object.freeze({ dispose() {} });

/**
 * Disposes every one of `items`, even when some throw, then rethrows: the single error,
 * or an AggregateError when several failed. One bad resource must not leak the rest.
 */
export function disposeAll(items: Iterable<Disposable>): void {
  const errors: unknown[] = [];
  for (const d of items) {
    try {
      d.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed; see .errors');
}

/**
 * A set of Disposables released together. Items are disposed in reverse order of
 * registration, so something registered later (and possibly depending on an earlier
 * item) goes first, as with a stack of acquired resources.
 */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  /** True once `dispose()` has run; later `add()`s are disposed at once. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Number of items currently held; tests use it to check that nothing leaked. */
  get size(): number {
    return this.items.size;
  }

  /**
   * Take ownership of `d` and return it. After the store was disposed, `d` is disposed
   * immediately: holding it would leak it, since nobody will dispose the store again.
   */
  add<T extends Disposable>(d: T): T {
    if ((d as unknown) === this) throw new BugError('a DisposableStore cannot own itself; register the resource, not the store');
    if (this.disposed) {
      d.dispose();
      return d;
    }
    this.items.add(d);
    return d;
  }

  /** Forget `d` without disposing it (ownership moved elsewhere). */
  delete(d: Disposable): void {
    this.items.delete(d);
  }

  /** Dispose everything held so far but keep the store usable. */
  clear(): void {
    const all = [...this.items].reverse();
    this.items.clear();
    disposeAll(all);
  }

  /** Dispose everything held and every item added later. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}

/**
 * Base class for anything that owns resources: subclasses `register(...)` what they create
 * and one `dispose()` releases all of it (STYLE.md §6).
 *
 * ```ts
 * private readonly _onDidExit = this.register(new Emitter<ExitEvent>());
 * ```
 */
export abstract class DisposableBase implements Disposable {
  private readonly store = new DisposableStore();

  /** True once `dispose()` has run. */
  protected get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  /** Own `d` until this object is disposed; returns `d` for field initialisers. */
  protected register<T extends Disposable>(d: T): T {
    if ((d as unknown) === this) throw new BugError('an object cannot register itself; register what it owns');
    return this.store.add(d);
  }

  /** Release everything registered. Subclasses overriding this must call `super.dispose()`. */
  dispose(): void {
    this.store.dispose();
  }
}
