/**
 * The caps of a server child's calls, in one place (D183).
 *
 * CHILD_CALLS_IN_FLIGHT: requests (`tools/call`, `keybroker/plan`) the gateway has sent one
 * child and not yet had answered. Before these caps nothing bounded it but the number of
 * client connections times their ReadWindow of 64 (D168), so one client with a few
 * connections could put hundreds of calls on one child and its upstream. 64 is one such
 * window: what a single connection could already ask of a child, which the children and
 * upstreams were measured with (bench:p6, bench:vsphere run far fewer at once).
 *
 * SESSION_CALLS_IN_FLIGHT: a session's share of those. A quarter of the child's, so a client
 * that floods holds at most a quarter of the child and three other busy clients still have
 * theirs; a new session's call gets the next free place in turn (round robin), never behind
 * a flooding session's queue. 16 is far above what an assistant runs in parallel (Claude
 * Desktop runs a handful of tool calls at once), so ordinary use never waits.
 */
export const CHILD_CALLS_IN_FLIGHT = 64;
/** A session's share of {@link CHILD_CALLS_IN_FLIGHT}; see there for why. */
export const SESSION_CALLS_IN_FLIGHT = 16;

/** Why a call waits: its session holds its whole share, or the child is full. */
export type QueuedReason = 'over-share' | 'child-busy';

/** Options of a FairShare. */
export interface FairShareOptions<S> {
  /** Calls in flight to the child at most; default CHILD_CALLS_IN_FLIGHT. */
  readonly childCap?: number;
  /** Calls in flight per session at most; default SESSION_CALLS_IN_FLIGHT. */
  readonly sessionCap?: number;
  /** A call of `session` had to wait (audited, coalesced, by the caller). */
  readonly onQueued?: (session: S, reason: QueuedReason) => void;
}

/** Gives the place back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  readonly admit: (release: Release) => void;
}

/**
 * One child's in-flight capacity shared between client sessions (D183): at most
 * `childCap` calls in flight, at most `sessionCap` of them one session's. A call past either
 * waits in its session's queue (in order); a free place goes to the waiting session with the
 * fewest calls in flight, ties in turn (round robin), never to a session at its cap.
 * A waiting call whose signal aborts leaves the queue at once and never reaches the child.
 *
 * Invariant after every change: each waiting call is held by a full child or a full session
 * (so a call of a session with room and no queue of its own can go at once, `tryAcquire`).
 */
export class FairShare<S> {
  private readonly childCap: number;
  private readonly sessionCap: number;
  private inFlight = 0;
  private readonly perSession = new Map<S, number>();
  /** Waiting calls per session; the map's order is the round robin's (served sessions go to the back). */
  private readonly queues = new Map<S, Waiter[]>();

  constructor(private readonly options: FairShareOptions<S> = {}) {
    this.childCap = options.childCap ?? CHILD_CALLS_IN_FLIGHT;
    this.sessionCap = Math.min(options.sessionCap ?? SESSION_CALLS_IN_FLIGHT, this.childCap);
  }

  /** Calls in flight to the child now (tests, status). */
  get serving(): number {
    return this.inFlight;
  }

  /** Calls waiting now, over every session (tests). */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** A place now, without waiting; undefined when the call has to wait (`acquire`). */
  tryAcquire(session: S): Release | undefined {
    if (this.inFlight >= this.childCap || this.held(session) >= this.sessionCap || this.queues.has(session)) return undefined;
    return this.take(session);
  }

  /**
   * A place for one call of `session`, waiting for it in turn when the child or the session
   * is full. Rejects with the signal's reason when `signal` aborts while waiting.
   */
  acquire(session: S, signal: AbortSignal): Promise<Release> {
    const now = this.tryAcquire(session);
    if (now) return Promise.resolve(now);
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const reason: QueuedReason = this.held(session) >= this.sessionCap ? 'over-share' : 'child-busy';
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        this.drop(session, waiter);
        reject(signal.reason as Error);
      };
      const waiter: Waiter = {
        admit: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const queue = this.queues.get(session);
      if (queue) queue.push(waiter);
      else this.queues.set(session, [waiter]);
      this.options.onQueued?.(session, reason);
    });
  }

  private held(session: S): number {
    return this.perSession.get(session) ?? 0;
  }

  private take(session: S): Release {
    this.inFlight += 1;
    this.perSession.set(session, this.held(session) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      const left = this.held(session) - 1;
      if (left > 0) this.perSession.set(session, left);
      else this.perSession.delete(session);
      // The session just had its turn: its waiting calls go behind the other sessions' at a tie.
      const queue = this.queues.get(session);
      if (queue) {
        this.queues.delete(session);
        this.queues.set(session, queue);
      }
      this.pump();
    };
  }

  private drop(session: S, waiter: Waiter): void {
    const queue = this.queues.get(session);
    if (!queue) return;
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) this.queues.delete(session);
  }

  /**
   * Hand free places to waiting calls: each to the waiting session with the fewest calls in
   * flight (a session that holds none goes before one that floods), ties in turn (a served
   * session goes to the back), until the child is full or every waiting session is at its cap.
   */
  private pump(): void {
    while (this.inFlight < this.childCap) {
      let next: S | undefined;
      let least = this.sessionCap;
      for (const session of this.queues.keys()) {
        const held = this.held(session);
        if (held < least) {
          next = session;
          least = held;
        }
      }
      if (next === undefined) return;
      const queue = this.queues.get(next)!;
      const waiter = queue.shift()!;
      // Served: to the back of the turn order (a Map keeps insertion order).
      this.queues.delete(next);
      if (queue.length > 0) this.queues.set(next, queue);
      waiter.admit(this.take(next));
    }
  }
}
