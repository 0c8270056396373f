import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The client a piece of work runs for (the gateway's opaque number, `keybroker/client`), carried
 * through every await of a tool call without threading it through each connector call site.
 */
const current = new AsyncLocalStorage<number>();

/** Run `work` as the work of `client` (undefined: no client known, all such work is one). */
export function asClient<T>(client: number | undefined, work: () => T): T {
  return client === undefined ? current.exit(work) : current.run(client, work);
}

/** The client the caller's work runs for, if any. */
export function currentClient(): number | undefined {
  return current.getStore();
}

/** Work without a known client takes its turns as one client of its own. */
const NO_CLIENT = 0;

/**
 * At most `max` jobs at once; the rest wait, each client's in order. A freed place goes to the
 * waiting client with the fewest jobs running, ties in turn (the client that just had one goes
 * to the back), as the gateway's FairShare does between clients: so one client's thousands of
 * queued jobs cannot hold back another's few (D201). The client of a job is
 * {@link currentClient} when it is queued.
 */
export class ClientTurns {
  private running = 0;
  private readonly perClient = new Map<number, number>();
  /** Waiting jobs per client; the map's order is the turn order (a served client goes to the back). */
  private readonly waiting = new Map<number, Array<() => void>>();

  constructor(private readonly max: number) {}

  /** Jobs running now (tests). */
  get active(): number {
    return this.running;
  }

  /** Run `job` when it is its turn; settles as `job` does. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const client = currentClient() ?? NO_CLIENT;
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running += 1;
        this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
        let result: Promise<T>;
        try {
          result = job();
        } catch (e) {
          result = Promise.reject(e as Error);
        }
        // The turn is given back before the caller hears: the next job is already on its way.
        result.then((value) => { this.done(client); resolve(value); }, (e: unknown) => { this.done(client); reject(e as Error); });
      };
      if (this.running < this.max) return start();
      const queue = this.waiting.get(client);
      if (queue) queue.push(start);
      else this.waiting.set(client, [start]);
    });
  }

  /** A job of `client` ended: its client goes to the back of the turn, and the next job starts. */
  private done(client: number): void {
    this.running -= 1;
    const left = (this.perClient.get(client) ?? 0) - 1;
    if (left > 0) this.perClient.set(client, left);
    else this.perClient.delete(client);
    const queue = this.waiting.get(client);
    if (queue) {
      this.waiting.delete(client);
      this.waiting.set(client, queue);
    }
    let next: number | undefined;
    let least = Infinity;
    for (const waiting of this.waiting.keys()) {
      const held = this.perClient.get(waiting) ?? 0;
      if (held < least) {
        next = waiting;
        least = held;
      }
    }
    if (next === undefined) return;
    const jobs = this.waiting.get(next)!;
    const start = jobs.shift()!;
    this.waiting.delete(next);
    if (jobs.length > 0) this.waiting.set(next, jobs);
    start();
  }
}
