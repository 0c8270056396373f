import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { Emitter, type Event } from '../../base/events/emitter.js';
import type { Disposable } from '../../base/lifecycle/disposable.js';
import type { Clock } from '../ports/clock.js';
import { IdleStop } from '../supervisor/idle-stop.js';
import type { ServerSpec } from '../supervisor/server-spec.js';
import { manifestKey, type ToolManifest, type ToolManifests } from './tool-manifest.js';

/**
 * What the gateway asks of children on demand (issue 17 item 5). Absent, every child runs
 * from the host's start and the gateway only waits for it.
 */
export interface ChildDemand {
  /** The cached tool list and instructions of `server`'s current spec and bundle, if any. */
  manifest(server: string): ToolManifest | undefined;
  /** Something needs `server`'s child: start it if it is idle. Never throws. */
  wake(server: string): void;
  /** A call to `server` is in flight until the result is disposed: start the child, and do not stop it meanwhile. */
  busy(server: string): Disposable;
  /**
   * A child answered `initialize` and `tools/list`: keep its answers as the manifest. True
   * when they differ from the manifest kept before (or there was none).
   */
  record(server: string, tools: readonly Tool[], instructions: string | undefined): boolean;
  /**
   * `server`'s child is about to be stopped as idle (fired before the stop begins): a call
   * that arrives from now on must wait for the next child, not go to this one (Z6-redteam).
   */
  readonly onWillPark?: Event<string>;
}

/** What ChildrenOnDemand needs. */
export interface ChildrenOnDemandDeps {
  /** Supervisor.wake / Supervisor.park. */
  readonly wake: (server: string) => Promise<void>;
  readonly park: (server: string) => Promise<void>;
  readonly manifests: ToolManifests;
  readonly clock: Clock;
  /** config `children.idleStopSeconds`, in ms. */
  readonly idleMs: number;
  /** Where a failed wake, park or manifest write is reported. */
  readonly log: (line: string) => void;
}

/**
 * Children on demand: started by the first request that needs one, stopped (`idle`) after
 * `idleMs` with no call in flight, and `tools/list` answered from the manifest of the last
 * run meanwhile (issue 17 item 5).
 */
export class ChildrenOnDemand implements ChildDemand, Disposable {
  private readonly keys = new Map<string, string | undefined>();
  private readonly cache = new Map<string, ToolManifest | undefined>();
  private readonly idle: IdleStop;
  private readonly _onWillPark = new Emitter<string>();
  readonly onWillPark = this._onWillPark.event;

  constructor(private readonly deps: ChildrenOnDemandDeps) {
    this.idle = new IdleStop({ clock: deps.clock, idleMs: deps.idleMs, park: (server) => this.park(server) });
  }

  /** Register a server (once, before its first request); reads its bundle to key its manifest. */
  add(spec: ServerSpec): void {
    const key = manifestKey(spec);
    this.keys.set(spec.name, key);
    this.cache.set(spec.name, this.deps.manifests.read(spec.name, key));
  }

  manifest(server: string): ToolManifest | undefined {
    return this.cache.get(server);
  }

  wake(server: string): void {
    this.idle.touch(server);
    this.deps.wake(server).catch((e: unknown) => this.deps.log(`[${server}] starting on demand failed: ${String(e)}`));
  }

  busy(server: string): Disposable {
    const held = this.idle.busy(server);
    this.deps.wake(server).catch((e: unknown) => this.deps.log(`[${server}] starting on demand failed: ${String(e)}`));
    // IdleStop's own disposable, already once-only: no second wrapper per call (issue 17, round 11).
    return held;
  }

  record(server: string, tools: readonly Tool[], instructions: string | undefined): boolean {
    const manifest: ToolManifest = { tools: [...tools], ...(instructions !== undefined && { instructions }) };
    const before = this.cache.get(server);
    this.cache.set(server, manifest);
    if (before && JSON.stringify(before) === JSON.stringify(manifest)) return false;
    try {
      this.deps.manifests.write(server, this.keys.get(server), manifest);
    } catch (e) {
      this.deps.log(`[${server}] could not save its tool manifest (${(e as Error).message}); tools/list will start it again next time`);
    }
    return true;
  }

  /** Stop every server with no call in flight now (an explicit trigger, for tests and `keybroker`); returns their names. */
  sweep(): string[] {
    return this.idle.sweep();
  }

  dispose(): void {
    this.idle.dispose();
    this._onWillPark.dispose();
  }

  private park(server: string): void {
    // Security (availability), Z6-redteam: the stop takes a while (SIGTERM, the child's exit);
    // the gateway is told first, so a call made meanwhile waits for the next child instead of
    // being sent to this one and failing with "Connection closed".
    this._onWillPark.fire(server);
    this.deps.park(server).catch((e: unknown) => this.deps.log(`[${server}] stopping when idle failed: ${String(e)}`));
  }
}
