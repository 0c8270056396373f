import { NONE_DISPOSABLE, type Disposable } from '../lifecycle/disposable.js';

/** A listener of events of type `T`. */
export type Listener<T> = (e: T) => void;

/**
 * The subscribe side of an Emitter, exposed as a public `onDidX` field (STYLE.md §6).
 * Calling it subscribes; disposing the result unsubscribes.
 */
export type Event<T> = (listener: Listener<T>) => Disposable;

/** Options of an Emitter. */
export interface EmitterOptions {
  /**
   * Called when a listener throws. Default: rethrow on a microtask, so the bug surfaces as
   * an uncaught error without stopping the other listeners or the code that fired.
   */
  onListenerError?: (error: unknown) => void;
}

/** One subscription; an object, so the same function subscribed twice is two subscriptions. */
interface Subscription<T> {
  readonly listener: Listener<T>;
}

/**
 * A typed event source, VS Code style: the owner keeps the Emitter private and calls
 * `fire`, everybody else gets `event`. Replaces string-named EventEmitter events.
 *
 * ```ts
 * private readonly _onDidAppend = this.register(new Emitter<AuditRecord>());
 * readonly onDidAppend = this._onDidAppend.event;
 * ```
 */
export class Emitter<T> implements Disposable {
  private readonly subs = new Set<Subscription<T>>();
  private disposed = false;

  constructor(private readonly options: EmitterOptions = {}) {}

  /**
   * Subscribe `listener`. An arrow property, so `emitter.event` can be handed out unbound.
   * After `dispose()` it subscribes nothing and returns a no-op Disposable.
   */
  readonly event: Event<T> = (listener) => {
    if (this.disposed) return NONE_DISPOSABLE;
    const sub: Subscription<T> = { listener };
    this.subs.add(sub);
    return { dispose: () => void this.subs.delete(sub) };
  };

  /**
   * Deliver `e` to the current listeners, in subscription order. A listener added while
   * firing waits for the next event; one removed while firing is not called any more.
   */
  fire(e: T): void {
    if (this.disposed || this.subs.size === 0) return;
    for (const sub of [...this.subs]) {
      if (!this.subs.has(sub)) continue;
      try {
        sub.listener(e);
      } catch (err) {
        this.reportListenerError(err);
      }
    }
  }

  /** True while anyone listens; lets owners skip building costly events, and tests check for leaks. */
  hasListeners(): boolean {
    return this.subs.size > 0;
  }

  /** Drop every listener; later `fire`s and subscriptions do nothing. Idempotent. */
  dispose(): void {
    this.disposed = true;
    this.subs.clear();
  }

  private reportListenerError(err: unknown): void {
    if (this.options.onListenerError) {
      this.options.onListenerError(err);
      return;
    }
    queueMicrotask(() => {
      throw err;
    });
  }
}
