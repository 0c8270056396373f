import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import type { Clock } from '../ports/clock.js';

/** What IdleStop needs. */
export interface IdleStopDeps {
  readonly clock: Clock;
  /** How long a server may go without a call in flight before it is stopped. */
  readonly idleMs: number;
  /** Stop `server`'s child on purpose (Supervisor.park: its status becomes `idle`). */
  readonly park: (server: string) => void;
}

interface Activity {
  inFlight: number;
  /** When the current idle period started (the last call's end, or a touch). */
  since: number;
  timer?: Disposable;
}

/**
 * Stops a server child once it has had no call in flight for `idleMs` (issue 17 item 5:
 * children on demand). Each call holds the server busy from before the child is woken until
 * its answer is out (`busy`); the idle period starts when the last one ends, or when a child
 * is started without a call (`touch`). Timed with the injected Clock, so tests drive it with a
 * ManualClock or `sweep()`, never by sleeping.
 *
 * One timer per idle period, not one per call (issue 17, round 10): a call does not cancel
 * the armed timer and its end does not arm a new one; the timer, when it fires, looks at when
 * the idle period started and waits out the rest of it (or nothing, while a call is in
 * flight: that call's end arms it again). A server stops at the same moment as with a timer
 * re-armed at every call's end, for two counter updates and a clock read per call.
 */
export class IdleStop implements Disposable {
  private readonly servers = new Map<string, Activity>();
  private disposed = false;

  constructor(private readonly deps: IdleStopDeps) {}

  /** A call to `server` begins; dispose the result when it ends (exactly once). */
  busy(server: string): Disposable {
    const a = this.activity(server);
    a.inFlight++;
    let ended = false;
    return toDisposable(() => {
      if (ended) return;
      ended = true;
      if (--a.inFlight > 0) return;
      a.since = this.deps.clock.now();
      this.arm(server, a);
    });
  }

  /** `server` was used without a call (its child started for a tool list): the idle period starts again. */
  touch(server: string): void {
    const a = this.activity(server);
    a.since = this.deps.clock.now();
    this.arm(server, a);
  }

  /** Stop every server that is idle now, without waiting for its timer (an explicit trigger). */
  sweep(): string[] {
    const parked: string[] = [];
    for (const [server, a] of this.servers) {
      if (a.inFlight > 0) continue;
      a.timer?.dispose();
      delete a.timer;
      parked.push(server);
      this.deps.park(server);
    }
    return parked;
  }

  dispose(): void {
    this.disposed = true;
    for (const a of this.servers.values()) a.timer?.dispose();
    this.servers.clear();
  }

  private activity(server: string): Activity {
    let a = this.servers.get(server);
    if (!a) {
      a = { inFlight: 0, since: this.deps.clock.now() };
      this.servers.set(server, a);
    }
    return a;
  }

  /** A timer for the rest of the idle period, unless one is armed (it re-arms itself if the period moved on) or a call is in flight. */
  private arm(server: string, a: Activity): void {
    if (this.disposed || a.inFlight > 0 || a.timer) return;
    const now = this.deps.clock.now();
    // A clock stepped back (NTP, sleep) starts the period again rather than stretching it.
    if (a.since > now) a.since = now;
    const left = a.since + this.deps.idleMs - now;
    a.timer = this.deps.clock.setTimer(left, () => {
      delete a.timer;
      if (this.disposed || a.inFlight > 0) return; // the call's end arms it again
      if (a.since + this.deps.idleMs > this.deps.clock.now()) this.arm(server, a); // used meanwhile: wait out the rest
      else this.deps.park(server);
    });
  }
}
