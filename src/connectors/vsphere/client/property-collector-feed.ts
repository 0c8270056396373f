import { ConnectorError } from '../../connector-error.js';
import { parseMoRef, type ManagedObjectRef } from '../soap/managed-object-ref.js';
import { moRefElement, xmlElement } from '../soap/soap-envelope.js';
import { childElement } from '../soap/soap-xml.js';
import { containerViewSpecBody } from './property-spec-xml.js';
import { updateSetReader, type ObjectUpdate } from './update-set-reader.js';
import type { VsphereClient } from './vsphere-client.js';

/** One filter of a feed: `paths` of every object of `types` in the feed's view. */
export interface PropertyCollectorFeedFilter {
  readonly types: readonly string[];
  readonly paths: readonly string[];
}

/** What a feed watches: one ContainerView (under the root folder) of every type its filters name. */
export interface PropertyCollectorFeedSpec {
  /**
   * One PropertyFilter each, on one collector. Keep types with different paths in different
   * filters: vcsim 0.24.2 panics (and drops the connection) on a change to an object deleted
   * in the same batch when its filter has a propSet for another type.
   */
  readonly filters: readonly PropertyCollectorFeedFilter[];
  /** Object updates asked per WaitForUpdatesEx answer (vCenter may send fewer and set `truncated`); default 500. */
  readonly maxObjectUpdates?: number;
}

const DEFAULT_MAX_OBJECT_UPDATES = 500;
/** Answers followed for one poll before giving up (a server that keeps saying `truncated`). */
const MAX_TRUNCATED_ANSWERS = 10_000;

/**
 * A PropertyCollector of our own, watching a ContainerView (issue 17, the kept inventory):
 * the way vSphere's own clients keep an inventory. `open` makes the collector
 * (CreatePropertyCollector, so the session's default collector is never disturbed), the
 * view and its filters; the first `poll` returns every object as an `enter`, each later one
 * only what changed since the previous (enter, modify, leave), answered at once
 * (`maxWaitSeconds` 0). The collector, the view and the filter belong to the session that
 * made them: a renewed session faults (ManagedObjectNotFound or NotAuthenticated), and the
 * caller starts again.
 */
export class PropertyCollectorFeed {
  private version = '';
  private destroyed = false;

  private constructor(
    private readonly client: VsphereClient,
    private readonly collector: ManagedObjectRef,
    private readonly view: ManagedObjectRef,
    private readonly maxObjectUpdates: number,
  ) {}

  /**
   * Creates the collector, the view and the filters; on failure, destroys what was made.
   *
   * @throws ConnectorError from any of the calls (CONN_FAULT, CONN_NOT_AUTHENTICATED, transport).
   */
  static async open(client: VsphereClient, spec: PropertyCollectorFeedSpec, options: { signal?: AbortSignal } = {}): Promise<PropertyCollectorFeed> {
    const types = [...new Set(spec.filters.flatMap((f) => f.types))];
    // A view without a type would hold every managed object: never what a caller means.
    if (spec.filters.some((f) => f.types.length === 0) || types.length === 0) throw new TypeError('every filter of a PropertyCollectorFeed needs at least one type');
    const sc = await client.serviceContent();
    if (!sc.viewManager || !sc.rootFolder) throw new ConnectorError('CONN_BAD_RESPONSE', 'the server has no ViewManager or root folder; inventory needs a vCenter or ESX SDK');
    // The collector and the view at the same time, then the filters at the same time: two
    // round trips before the first poll instead of four.
    const [made, created] = await Promise.allSettled([
      client.invoke('CreatePropertyCollector', sc.propertyCollector, '', options),
      client.invoke('CreateContainerView', sc.viewManager, moRefElement('container', sc.rootFolder) + types.map((t) => xmlElement('type', t)).join('') + '<recursive>true</recursive>', options),
    ]);
    const collector = made.status === 'fulfilled' ? parseMoRef(childElement(made.value, 'returnval')) : undefined;
    const view = created.status === 'fulfilled' ? parseMoRef(childElement(created.value, 'returnval')) : undefined;
    const cleanUp = async (): Promise<void> => {
      if (collector) await client.invoke('DestroyPropertyCollector', collector).catch(() => undefined);
      if (view) await client.invoke('DestroyView', view).catch(() => undefined);
    };
    try {
      if (made.status === 'rejected') throw made.reason;
      if (created.status === 'rejected') throw created.reason;
      if (!collector) throw new ConnectorError('CONN_BAD_RESPONSE', 'CreatePropertyCollector answered without a collector; check the SDK URL');
      if (!view) throw new ConnectorError('CONN_BAD_RESPONSE', 'CreateContainerView answered without a view; check the SDK URL');
      const filters = await Promise.allSettled(
        spec.filters.map((filter) => client.invoke('CreateFilter', collector, `<spec>${containerViewSpecBody(view, filter.types, filter.paths)}</spec><partialUpdates>false</partialUpdates>`, options)),
      );
      for (const f of filters) if (f.status === 'rejected') throw f.reason;
      return new PropertyCollectorFeed(client, collector, view, spec.maxObjectUpdates ?? DEFAULT_MAX_OBJECT_UPDATES);
    } catch (error) {
      await cleanUp();
      throw error;
    }
  }

  /**
   * The updates since the previous poll (the first: every object, as `enter`), in the order
   * the server gave them, following `truncated` until the server has said everything. With
   * `onUpdate`, each goes there as it is read instead (none is held: a first answer of
   * thousands of objects never sits in memory as updates). The version advances only when
   * the whole poll succeeded; after a failure, destroy the feed and discard what `onUpdate`
   * built from this poll.
   *
   * @throws ConnectorError: a fault (ManagedObjectNotFound when the session changed,
   * InvalidCollectorVersion), CONN_NOT_AUTHENTICATED, transport codes.
   */
  async poll(options: { signal?: AbortSignal; onUpdate?: (u: ObjectUpdate) => void } = {}): Promise<ObjectUpdate[]> {
    if (this.destroyed) throw new ConnectorError('CONN_INVALID_REQUEST', 'this PropertyCollectorFeed was destroyed; open a new one');
    const out: ObjectUpdate[] = [];
    let version = this.version;
    for (let answers = 0; ; answers++) {
      if (answers >= MAX_TRUNCATED_ANSWERS) throw new ConnectorError('CONN_BAD_RESPONSE', `the server kept answering WaitForUpdatesEx as truncated ${MAX_TRUNCATED_ANSWERS} times; read the inventory afresh`);
      const params =
        (version === '' ? '' : xmlElement('version', version)) +
        `<options><maxWaitSeconds>0</maxWaitSeconds><maxObjectUpdates>${this.maxObjectUpdates}</maxObjectUpdates></options>`;
      let reader = updateSetReader(options.onUpdate);
      // Not idempotent for the server (vcsim hands each change out once): never retried on
      // network errors. A NotAuthenticated retry is safe: the refused attempt carried no updates.
      const response = await this.client.invoke('WaitForUpdatesEx', this.collector, params, {
        ...(options.signal ? { signal: options.signal } : {}),
        stream: () => {
          reader = updateSetReader(options.onUpdate);
          return reader.capture;
        },
      });
      const page = reader.result(response);
      for (const u of page.updates) out.push(u);
      // No returnval: nothing changed; the version stays.
      if (page.version === undefined) break;
      // An UpdateSet without a version: the next call would start the collector from nothing
      // (every object as `enter` again, the ones that left never said), or loop on `truncated`.
      if (page.version === '') throw new ConnectorError('CONN_BAD_RESPONSE', 'WaitForUpdatesEx answered an UpdateSet without a version; read the inventory afresh');
      version = page.version;
      if (!page.truncated) break;
    }
    this.version = version;
    return out;
  }

  /** DestroyPropertyCollector (its filters go with it) and DestroyView; best effort, once. `signal` bounds the wait. */
  async destroy(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.all([
      this.client.invoke('DestroyPropertyCollector', this.collector, '', options).catch(() => undefined),
      this.client.invoke('DestroyView', this.view, '', options).catch(() => undefined),
    ]);
  }
}
