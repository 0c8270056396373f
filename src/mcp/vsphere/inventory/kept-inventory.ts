import { isConnectorError, isMoRef, PropertyCollectorFeed, propertyText, type ObjectContent, type ObjectUpdate, type PropertyChange, type PropertyValue, type VsphereClient } from '../../../connectors/vsphere/index.js';
import { InventoryIndex, INDEX_PATHS, INDEX_TYPES, type IndexedEntity } from './inventory-index.js';
import { VM_ROW_PATHS } from './vm-rows.js';
import { SharedRead } from '../../../base/lifecycle/shared-read.js';

/** The VMs and the index as vCenter has them at the moment of the call. */
export interface KeptView {
  /** Every VM with VM_ROW_PATHS; each object is replaced on a change, never mutated. */
  readonly vms: readonly ObjectContent[];
  readonly index: InventoryIndex;
}

/**
 * What one listing reads the VMs through (W7-vcancel): the kept inventory as that call waits
 * for it, and the client of its full read, both ending with the call's `signal`. A
 * KeptInventory is one too (no signal).
 */
export interface VmInventoryReader {
  current(): Promise<KeptView>;
  readonly client: VsphereClient;
  /** The call's cancellation: once it aborted, an error is the caller's, not a reason to read afresh. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of a KeptInventory. */
export interface KeptInventoryOptions {
  /** A digest of the session calls present now: a change (a renewed token) drops the inventory. Never the token itself. */
  readonly session: () => Promise<string>;
  /** Dropped (and its collector destroyed) after this long without a call; default 5 minutes. */
  readonly idleMs?: number;
  /** The clock of the pause after a failed build; default Date.now. */
  readonly now?: () => number;
}

/** How long a kept inventory lives without a call: 5 minutes. */
export const KEPT_INVENTORY_IDLE_MS = 5 * 60_000;

const VM_TYPE = 'VirtualMachine';
const VM_PATH_SET: ReadonlySet<string> = new Set(VM_ROW_PATHS);
const INDEX_PATH_SET: ReadonlySet<string> = new Set(INDEX_PATHS);
/** The VMs' rows and the index's containers: one view, a filter each (PropertyCollectorFeedSpec says why). */
const FEED_SPEC = { filters: [{ types: [VM_TYPE], paths: VM_ROW_PATHS }, { types: INDEX_TYPES, paths: INDEX_PATHS }] };

/** The most a dispose waits for vCenter (a call in flight, then the collector's destruction). */
const DISPOSE_BUDGET_MS = 2_000;

/** After a failed build, listings read afresh for this long before the collector is tried again. */
export const KEPT_INVENTORY_RETRY_MS = 60_000;

/**
 * The kept inventory is not tried now: building one failed less than KEPT_INVENTORY_RETRY_MS
 * ago (a vCenter that refuses the collector would otherwise cost every listing a failed
 * build before its full read). The listing reads afresh without logging again.
 */
export class KeptInventoryPausedError extends Error {
  override readonly name = 'KeptInventoryPausedError';
  readonly code = 'VSPHERE_KEPT_INVENTORY_PAUSED' as const;
}

/** An update the kept inventory cannot apply exactly: it is dropped and the listing reads afresh. */
class UnappliableUpdateError extends Error {
  override readonly name = 'UnappliableUpdateError';
  readonly code = 'VSPHERE_KEPT_INVENTORY_UNAPPLIABLE' as const;
}

/** The kept inventory was disposed (the server is stopping): the listing reads afresh. */
class KeptInventoryDisposedError extends Error {
  override readonly name = 'KeptInventoryDisposedError';
  readonly code = 'VSPHERE_KEPT_INVENTORY_DISPOSED' as const;
}

interface KeptState {
  readonly feed: PropertyCollectorFeed;
  readonly session: string;
  readonly vms: Map<string, ObjectContent>;
  containers: Map<string, IndexedEntity>;
  index: InventoryIndex;
}

/**
 * One endpoint's VM inventory, kept between listings and brought up to date through vCenter's
 * PropertyCollector (issue 17, D100): the first `current()` reads every VM and
 * the index containers through a feed of its own (PropertyCollectorFeed: all objects as
 * `enter`); each later one asks for what changed since (WaitForUpdatesEx, maxWaitSeconds 0,
 * answered at once) and applies it. So each call reflects vCenter at that moment, exactly as
 * a full read would, but costs only the changes.
 *
 * Any error drops the kept inventory (destroying its collector) and is thrown: the caller
 * falls back to a full read. A changed session drops it before use (the collector belongs to
 * the session that made it, and a new session may see other objects). Calls are serialised.
 */
export class KeptInventory {
  private state: KeptState | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The queued update that has not started yet. */
  private next: SharedRead<KeptView> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private buildFailedAt: number | undefined;
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(
    readonly client: VsphereClient,
    private readonly options: KeptInventoryOptions,
  ) {
    this.idleMs = options.idleMs ?? KEPT_INVENTORY_IDLE_MS;
    this.now = options.now ?? Date.now;
  }

  /** True while an inventory is kept (for tests and the bench). */
  get kept(): boolean {
    return this.state !== undefined;
  }

  /**
   * The VMs and index as vCenter has them now: built on first use, else brought up to date.
   *
   * `signal` is the calling tool's (W7-vcancel): when it aborts, this call stops waiting
   * (rejects with its reason) and the update goes on for the calls that share it; only when
   * every call waiting for it was cancelled is the update aborted too, its requests ending.
   *
   * @throws whatever the collector threw (the kept inventory is dropped first): read afresh.
   */
  current(signal?: AbortSignal): Promise<KeptView> {
    // A call already cancelled starts nothing (an update nobody waits for would still run).
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    // Calls that arrive before the queued update has started share it: it starts after each of
    // them arrived, so it is as fresh as one of their own (several first pages, one poll).
    // One whose callers all went is not joined: it ends without reading.
    if (this.next && !this.next.abandoned) return this.next.join(signal);
    const shared: SharedRead<KeptView> = new SharedRead((abort) => this.queue.then(() => {
      if (this.next === shared) this.next = undefined;
      return this.update(abort);
    }));
    this.next = shared;
    this.queue = shared.done.catch(() => undefined);
    return shared.join(signal);
  }

  /** This inventory as one call with `signal` reads it ({@link current}, and a full read's client that ends with the call). */
  forCall(signal: AbortSignal | undefined): VmInventoryReader {
    return { current: () => this.current(signal), client: this.client.withSignal(signal), signal };
  }

  /** Drops the kept inventory and destroys its collector (best effort; `signal` bounds the wait). */
  drop(options: { signal?: AbortSignal } = {}): Promise<void> {
    const state = this.state;
    this.state = undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    return state ? state.feed.destroy(options) : Promise.resolve();
  }

  /**
   * Drops the inventory for good: the server is stopping, or the endpoint's connection closes.
   * Waits at most DISPOSE_BUDGET_MS for a call in flight and the collector's destruction, so a
   * vCenter that does not answer never holds up the child's stop (its collector then dies with
   * the session).
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    const budget = AbortSignal.timeout(DISPOSE_BUDGET_MS);
    await Promise.race([this.queue, new Promise((resolve) => budget.addEventListener('abort', resolve, { once: true }))]);
    await this.drop({ signal: budget });
  }

  private async update(signal: AbortSignal): Promise<KeptView> {
    if (this.disposed) throw new KeptInventoryDisposedError('the kept inventory was disposed; reading afresh');
    // Every caller went before it started: nothing to read, and the kept inventory stays.
    signal.throwIfAborted();
    let building = false;
    try {
      const session = await this.options.session();
      let state = this.state;
      // Security: a kept inventory never outlives its session (what a new one may see can differ).
      if (state && state.session !== session) {
        await this.drop();
        state = undefined;
      }
      if (!state) {
        if (this.buildFailedAt !== undefined && this.now() - this.buildFailedAt < KEPT_INVENTORY_RETRY_MS) {
          throw new KeptInventoryPausedError('building the kept inventory failed less than a minute ago; reading afresh');
        }
        building = true;
        const feed = await PropertyCollectorFeed.open(this.client, FEED_SPEC, { signal });
        state = { feed, session, vms: new Map(), containers: new Map(), index: InventoryIndex.fromEntities(new Map()) };
        this.state = state;
      }
      // Each update is applied as it is read (no array of 5,000 first updates in memory); if
      // the poll fails, the whole inventory is dropped below, so a half-read answer never counts.
      const applying = this.applier(state);
      await state.feed.poll({ signal, onUpdate: applying.apply });
      applying.done();
      this.buildFailedAt = undefined;
      this.touch();
      return { vms: [...state.vms.values()], index: state.index };
    } catch (error) {
      // A build its callers cancelled did not fail: the next listing builds again, no pause.
      if (building && !signal.aborted) this.buildFailedAt = this.now();
      // Also after a cancelled poll: it applied part of an answer, so the inventory is not exact.
      await this.drop();
      throw error;
    }
  }

  /**
   * Applies updates in order, as they arrive; `done` publishes a changed index. Rows are replaced, never mutated (snapshots hold them).
   * An `enter` of an object already kept is refused (D105): an UpdateSet that says an
   * object entered and then left (vcsim 0.24.2 reports a MoveIntoFolder so, in that order) has
   * no exact reading, and applying it in order would drop an object that is still there.
   */
  private applier(state: KeptState): { apply: (u: ObjectUpdate) => void; done: () => void } {
    let containers: Map<string, IndexedEntity> | undefined;
    const apply = (u: ObjectUpdate): void => {
      const isVm = u.ref.type === VM_TYPE;
      if (u.kind === 'leave') {
        if (isVm) state.vms.delete(u.ref.value);
        else (containers ??= new Map(state.containers)).delete(u.ref.value);
        return;
      }
      if (u.kind !== 'enter' && u.kind !== 'modify') throw new UnappliableUpdateError(`unknown update kind ${u.kind}`);
      const paths = isVm ? VM_PATH_SET : INDEX_PATH_SET;
      if (isVm) {
        const old = state.vms.get(u.ref.value);
        if (u.kind === 'modify' && !old) throw new UnappliableUpdateError(`a change to ${u.ref.value}, which was never reported`);
        if (u.kind === 'enter' && old) throw new UnappliableUpdateError(`${u.ref.value} entered again without leaving`);
        const props = u.kind === 'enter' ? {} : { ...old!.props };
        for (const c of u.changes) applyChange(props, c, paths);
        state.vms.set(u.ref.value, { ref: u.ref, props, missing: u.kind === 'enter' || u.missing.length > 0 ? ownMissing(u.missing) : old!.missing });
      } else {
        containers ??= new Map(state.containers);
        const old = containers.get(u.ref.value);
        if (u.kind === 'modify' && !old) throw new UnappliableUpdateError(`a change to ${u.ref.value}, which was never reported`);
        if (u.kind === 'enter' && old) throw new UnappliableUpdateError(`${u.ref.value} entered again without leaving`);
        const props: Record<string, PropertyValue> = u.kind === 'enter' || !old ? {} : { name: old.name, ...(old.parent ? { parent: old.parent } : {}) };
        for (const c of u.changes) applyChange(props, c, paths);
        const parent = props['parent'];
        containers.set(u.ref.value, { ref: u.ref, name: propertyText(props['name']) ?? u.ref.value, parent: isMoRef(parent) ? parent : undefined });
      }
    };
    const done = (): void => {
      if (!containers) return;
      state.containers = containers;
      state.index = InventoryIndex.fromEntities(containers);
    };
    return { apply, done };
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // Through the queue, so an idle drop never lands in the middle of a call.
    this.idleTimer = setTimeout(() => {
      this.queue = this.queue.then(() => this.drop()).catch(() => undefined);
    }, this.idleMs);
    this.idleTimer.unref();
  }
}

const NO_MISSING: string[] = [];
Object.freeze(NO_MISSING);

/** The object's missing paths: one shared frozen empty list for the usual none (5,000 VMs, no 5,000 arrays). */
function ownMissing(missing: readonly string[]): string[] {
  return missing.length === 0 ? NO_MISSING : [...missing];
}

/**
 * One PropertyChange on a row's props; anything but a leaf the filter asked for is refused.
 *
 * @throws UnappliableUpdateError for another path, or an `add` (the caller reads afresh).
 */
export function applyChange(props: Record<string, PropertyValue>, c: PropertyChange, paths: ReadonlySet<string>): void {
  // Security: only the paths the filter asked for become row fields (never `__proto__` or
  // another upstream-chosen key), so a row holds exactly what a full read would.
  if (!paths.has(c.name)) throw new UnappliableUpdateError(`a change to ${c.name}, which the filter did not ask for`);
  if (c.op === 'assign') {
    if (c.val === undefined) delete props[c.name];
    else props[c.name] = c.val;
  } else if (c.op === 'remove' || c.op === 'indirectRemove') delete props[c.name];
  // `add` is for array elements; every path here is a leaf.
  else throw new UnappliableUpdateError(`a ${c.op} change to ${c.name}`);
}

/** True for an error after which reading afresh is pointless (the upstream did not answer in time). */
export function isTimeout(error: unknown): boolean {
  return isConnectorError(error) && error.code === 'CONN_TIMEOUT';
}
