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
  timer?: Disposable;
}

/**
 * Stops a server child once it has had no call in flight for `idleMs` (issue 17 item 5:
 * children on demand). Each call holds the server busy from before the child is woken until
 * its answer is out (`busy`); the idle period starts when the last one ends, or when a child
 * is started without a call (`touch`). Timed with the injected Clock, so tests drive it with a
 * ManualClock or `sweep()`, never by sleeping.
 */
export class IdleStop implements Disposable {
  private readonly servers = new Map<string, Activity>();
  private disposed = false;

  constructor(private readonly deps: IdleStopDeps) {}

  /** A call to `server` begins; dispose the result when it ends (exactly once). */
  busy(server: string): Disposable {
    const a = this.activity(server);
    a.inFlight++;
    a.timer?.dispose();
    delete a.timer;
    let ended = false;
    return toDisposable(() => {
      if (ended) return;
      ended = true;
      a.inFlight--;
      this.arm(server, a);
    });
  }

  /** `server` was used without a call (its child started for a tool list): the idle period starts again. */
  touch(server: string): void {
    const a = this.activity(server);
    a.timer?.dispose();
    delete a.timer;
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
      a = { inFlight: 0 };
      this.servers.set(server, a);
    }
    return a;
  }

  private arm(server: string, a: Activity): void {
    if (this.disposed || a.inFlight > 0 || a.timer) return;
    a.timer = this.deps.clock.setTimer(this.deps.idleMs, () => {
      delete a.timer;
      if (a.inFlight === 0 && !this.disposed) this.deps.park(server);
    });
  }
}
