import { QueueFullError } from './queue-full-error.js';

/**
 * The caps of a server child's calls, in one place (D183, D200).
 *
 * CHILD_CALLS_IN_FLIGHT: requests (`tools/call`, `keybroker/plan`) the gateway has sent one
 * child and not yet had answered. Before these caps nothing bounded it but the number of
 * client connections times their ReadWindow of 64 (D168), so one client with a few
 * connections could put hundreds of calls on one child and its upstream. 64 is one such
 * window: what a single connection could already ask of a child, which the children and
 * upstreams were measured with (bench:p6, bench:vsphere run far fewer at once).
 *
 * CLIENT_CALLS_IN_FLIGHT: a client's share of those, however many sessions it opens (every
 * HTTP session of one API key is one client; every bridge one process started is one client).
 * A quarter of the child, so a client that floods holds at most a quarter and three other busy
 * clients still have theirs; opening more sessions splits a client's share, it no longer
 * multiplies it (D183 gave each session 16, so four sessions of one client took the child).
 * 16 is far above what an assistant runs in parallel (Claude Desktop runs a handful of tool
 * calls at once), so ordinary use never waits.
 *
 * SESSION_CALLS_IN_FLIGHT: a session's share within its client. As large as the client's: a
 * client's one session may use its whole share; when its sessions compete, each free place
 * goes to the one with the fewest in flight, so none of them waits behind another's flood.
 */
export const CHILD_CALLS_IN_FLIGHT = 64;
/** A client's share of {@link CHILD_CALLS_IN_FLIGHT} over all its sessions; see there for why. */
export const CLIENT_CALLS_IN_FLIGHT = 16;
/** A session's share of its client's {@link CLIENT_CALLS_IN_FLIGHT}; see there for why. */
export const SESSION_CALLS_IN_FLIGHT = 16;

/**
 * Calls of one session that may wait at the gateway for a place at one child (D212).
 * A socket session never gets near it (its ReadWindow, D168, reads at most 64 requests at once,
 * SESSION_CALLS_IN_FLIGHT of them at the child); an HTTP session had no bound but the rate limit,
 * so a client could park calls (each an open request and a promise) without end. 64 is what one
 * socket connection can already park.
 */
export const SESSION_CALLS_WAITING = 64;
/**
 * Calls of one client (over its sessions) that may wait for one child: four sessions' worth, so
 * an assistant with a few windows open never meets it, while a client that opens sessions to
 * get past the session bound does.
 */
export const CLIENT_CALLS_WAITING = 4 * SESSION_CALLS_WAITING;

/**
 * Why a call waits: its session or its client holds its whole share, or the child is full; or
 * why it was refused: too many of its session's or client's calls already wait (`queue-full`).
 */
export type QueuedReason = 'over-share' | 'child-busy' | 'queue-full';

/** Options of a FairShare. */
export interface FairShareOptions<S> {
  /** Calls in flight to the child at most; default CHILD_CALLS_IN_FLIGHT. */
  readonly childCap?: number;
  /** Calls in flight per client (over its sessions) at most; default CLIENT_CALLS_IN_FLIGHT. */
  readonly clientCap?: number;
  /** Calls in flight per session at most; default SESSION_CALLS_IN_FLIGHT. */
  readonly sessionCap?: number;
  /** Calls per session that may wait at most; default SESSION_CALLS_WAITING. */
  readonly sessionWaiting?: number;
  /** Calls per client (over its sessions) that may wait at most; default CLIENT_CALLS_WAITING. */
  readonly clientWaiting?: number;
  /** The client a session belongs to; absent, every session is its own client. */
  readonly clientOf?: (session: S) => unknown;
  /** A call of `session` had to wait, or was refused as `queue-full` (audited, coalesced, by the caller). */
  readonly onQueued?: (session: S, reason: QueuedReason) => void;
}

/** Gives the place back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  readonly admit: (release: Release) => void;
}

/**
 * One child's in-flight capacity shared between clients, then between each client's sessions
 * (D183, D200): at most `childCap` calls in flight, at most `clientCap` of them one
 * client's, at most `sessionCap` one session's. A call past any cap waits in its session's queue
 * (in order); a free place goes to the waiting client with the fewest calls in flight, ties in
 * turn (round robin), and within it to its waiting session with the fewest, ties in turn; never
 * to a client or session at its cap. A waiting call whose signal aborts leaves the queue at once
 * and never reaches the child.
 *
 * Invariant after every change: each waiting call is held by a full child, a full client or a
 * full session (so a call of a session with room and no queue of its own can go at once, `tryAcquire`).
 */
export class FairShare<S> {
  private readonly childCap: number;
  private readonly clientCap: number;
  private readonly sessionCap: number;
  private readonly sessionWaiting: number;
  private readonly clientWaiting: number;
  private readonly clientOf: (session: S) => unknown;
  private inFlight = 0;
  private readonly perSession = new Map<S, number>();
  private readonly perClient = new Map<unknown, number>();
  /**
   * Waiting calls per client and session. The outer map's order is the clients' round robin,
   * each inner map's its sessions' (served ones go to the back).
   */
  private readonly queues = new Map<unknown, Map<S, Waiter[]>>();

  constructor(private readonly options: FairShareOptions<S> = {}) {
    this.childCap = options.childCap ?? CHILD_CALLS_IN_FLIGHT;
    this.clientCap = Math.min(options.clientCap ?? CLIENT_CALLS_IN_FLIGHT, this.childCap);
    this.sessionCap = Math.min(options.sessionCap ?? SESSION_CALLS_IN_FLIGHT, this.clientCap);
    this.sessionWaiting = options.sessionWaiting ?? SESSION_CALLS_WAITING;
    this.clientWaiting = options.clientWaiting ?? CLIENT_CALLS_WAITING;
    this.clientOf = options.clientOf ?? ((session) => session);
  }

  /** Calls in flight to the child now (tests, status). */
  get serving(): number {
    return this.inFlight;
  }

  /** Calls waiting now, over every session (tests). */
  get waiting(): number {
    let n = 0;
    for (const sessions of this.queues.values()) for (const q of sessions.values()) n += q.length;
    return n;
  }

  /** A place now, without waiting; undefined when the call has to wait (`acquire`). */
  tryAcquire(session: S): Release | undefined {
    const client = this.clientOf(session);
    if (this.inFlight >= this.childCap || this.full(client, session) || this.queues.get(client)?.has(session)) return undefined;
    return this.take(client, session);
  }

  /**
   * A place for one call of `session`, waiting for it in turn when the child, the client or
   * the session is full. Rejects with the signal's reason when `signal` aborts while waiting, and
   * at once with a QueueFullError when the session or its client already has the most calls
   * waiting (D212).
   */
  acquire(session: S, signal: AbortSignal): Promise<Release> {
    const now = this.tryAcquire(session);
    if (now) return Promise.resolve(now);
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const client = this.clientOf(session);
    // Security: waiting calls are bounded per session and per client, not only by the rate limit.
    const sessions = this.queues.get(client);
    const sessionWaits = sessions?.get(session)?.length ?? 0;
    let clientWaits = 0;
    for (const q of sessions?.values() ?? []) clientWaits += q.length;
    if (sessionWaits >= this.sessionWaiting || clientWaits >= this.clientWaiting) {
      this.options.onQueued?.(session, 'queue-full');
      return Promise.reject(sessionWaits >= this.sessionWaiting ? new QueueFullError(sessionWaits, 'session') : new QueueFullError(clientWaits, 'client'));
    }
    const reason: QueuedReason = this.full(client, session) ? 'over-share' : 'child-busy';
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        this.drop(client, session, waiter);
        reject(signal.reason as Error);
      };
      const waiter: Waiter = {
        admit: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      let waiting = sessions;
      if (!waiting) this.queues.set(client, (waiting = new Map()));
      const queue = waiting.get(session);
      if (queue) queue.push(waiter);
      else waiting.set(session, [waiter]);
      this.options.onQueued?.(session, reason);
    });
  }

  /** The client or the session holds its whole share. */
  private full(client: unknown, session: S): boolean {
    return (this.perClient.get(client) ?? 0) >= this.clientCap || this.held(session) >= this.sessionCap;
  }

  private held(session: S): number {
    return this.perSession.get(session) ?? 0;
  }

  private take(client: unknown, session: S): Release {
    this.inFlight += 1;
    this.perSession.set(session, this.held(session) + 1);
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      const left = this.held(session) - 1;
      if (left > 0) this.perSession.set(session, left);
      else this.perSession.delete(session);
      const clientLeft = (this.perClient.get(client) ?? 0) - 1;
      if (clientLeft > 0) this.perClient.set(client, clientLeft);
      else this.perClient.delete(client);
      // The client and session just had their turn: their waiting calls go behind the others' at a tie.
      this.toBack(client, session);
      this.pump();
    };
  }

  /** Move `client` to the back of the clients' turn, and `session` to the back of its client's. */
  private toBack(client: unknown, session: S): void {
    const sessions = this.queues.get(client);
    if (!sessions) return;
    this.queues.delete(client);
    this.queues.set(client, sessions);
    const queue = sessions.get(session);
    if (!queue) return;
    sessions.delete(session);
    sessions.set(session, queue);
  }

  private drop(client: unknown, session: S, waiter: Waiter): void {
    const sessions = this.queues.get(client);
    const queue = sessions?.get(session);
    if (!sessions || !queue) return;
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) sessions.delete(session);
    if (sessions.size === 0) this.queues.delete(client);
  }

  /**
   * Hand free places to waiting calls until the child is full or every waiting call is held by
   * its client's or session's cap: each to the waiting client with the fewest calls in flight (a
   * client that holds none goes before one that floods, however many sessions that one opened),
   * ties in turn; within it, to its waiting session with the fewest, ties in turn.
   */
  private pump(): void {
    while (this.inFlight < this.childCap) {
      let next: { client: unknown; session: S; sessions: Map<S, Waiter[]> } | undefined;
      let least = this.clientCap;
      for (const [client, sessions] of this.queues) {
        const held = this.perClient.get(client) ?? 0;
        if (held >= least) continue;
        const session = this.fewest(sessions);
        if (session === undefined) continue;
        next = { client, session, sessions };
        least = held;
      }
      if (!next) return;
      const { client, session, sessions } = next;
      const queue = sessions.get(session)!;
      const waiter = queue.shift()!;
      if (queue.length === 0) sessions.delete(session);
      if (sessions.size === 0) this.queues.delete(client);
      waiter.admit(this.take(client, session));
      // Served: to the back of both turn orders (a Map keeps insertion order).
      this.toBack(client, session);
    }
  }

  /** The waiting session of a client with the fewest calls in flight and room, first in turn at a tie. */
  private fewest(sessions: Map<S, Waiter[]>): S | undefined {
    let next: S | undefined;
    let least = this.sessionCap;
    for (const session of sessions.keys()) {
      const held = this.held(session);
      if (held < least) {
        next = session;
        least = held;
      }
    }
    return next;
  }
}
