import type { Dispatcher } from 'undici';
import { ConnectorError, isConnectorError } from '../../connector-error.js';
import { parseMoRef, type ManagedObjectRef } from '../soap/managed-object-ref.js';
import { retrieveServiceContent, type ServiceContent } from '../soap/retrieve-service-content.js';
import { soapCall, type SoapCallOptions } from '../soap/soap-call.js';
import { moRefElement, xmlElement } from '../soap/soap-envelope.js';
import { childElement, type XmlElement } from '../soap/soap-xml.js';
import type { ObjectContent, RetrievePage } from './object-content.js';
import { retrieveResultReader } from './retrieve-result-reader.js';
import { containerViewSpecXml, objectsSpecXml, retrieveOptionsXml } from './property-spec-xml.js';
import { waitForTask, type WaitForTaskOptions } from './wait-for-task.js';
import { withUpstreamDeadline } from '../../upstream-deadline.js';
import type { PropertyValue } from './property-value.js';

/** Where the client gets its `vmware_soap_session` cookie: the broker's token, or a login of its own. */
export interface VsphereSessionSource {
  /** The current cookie; a call's `signal` stops the wait for it (the broker may be prompting). */
  token(signal?: AbortSignal): Promise<string>;
  /** The server rejected `stale` (NotAuthenticated): return a fresh cookie; `signal` as for {@link token}. */
  renew(stale: string, signal?: AbortSignal): Promise<string>;
}

/** Construction options; the dispatcher carries TLS trust and keep-alive (createUpstreamDispatcher). */
export interface VsphereClientOptions {
  readonly url: string;
  readonly dispatcher: Dispatcher;
  readonly session: VsphereSessionSource;
  /** Budget for one SOAP round trip, body included; default 60 s. */
  readonly timeoutMs?: number;
  /** Largest response accepted; default 128 MiB (vcsim ignores maxObjects and sends everything at once). */
  readonly maxResponseBytes?: number;
  /** A ServiceContent already read from this URL (e.g. by vsphereLogin); saves a round trip. */
  readonly serviceContent?: ServiceContent;
}

/** What retrievePages walks: every object of `type` under `container` (default the root folder). */
export interface RetrievePagesSpec {
  /** One managed object type, or several read through one view in one call (rows of all types mixed). */
  readonly type: string | readonly string[];
  readonly paths: readonly string[];
  /** Other paths for some of the types (e.g. only `name` of the hosts beside the VMs' rows). */
  readonly pathsOf?: Readonly<Record<string, readonly string[]>>;
  readonly container?: ManagedObjectRef;
  /** Objects per page asked of the server; default 500. */
  readonly maxObjects?: number;
}

/** Per-call options. */
export interface InvokeOptions {
  /** A read that may be sent twice: network errors are then retried once. */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
  /**
   * Makes, for each attempt (a retry starts afresh), the hook that takes response elements
   * as events as they arrive (SoapCallOptions.capture). What it builds counts only if
   * invoke resolves.
   */
  readonly stream?: () => NonNullable<SoapCallOptions['capture']>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;
const DEFAULT_PAGE = 500;

/**
 * A vim25 SOAP client for one vCenter over a caller-owned keep-alive dispatcher (issue 5).
 * Every call presents the session cookie; NotAuthenticated renews it once and retries, network
 * errors on idempotent reads are retried once, and each round trip has a deadline. It never
 * logs in: the session source does (the broker, or the standalone login).
 */
export class VsphereClient {
  /** Shared by the client and its views ({@link withSignal}): one ServiceContent for all. */
  private readonly shared: { content?: Promise<ServiceContent> } = {};
  /** The client itself, also in a view: its clean-ups run on after the call was cancelled. */
  private readonly base: VsphereClient = this;
  /** Set on a view made by {@link withSignal} only: the cancellation its requests carry. */
  private callSignal: AbortSignal | undefined;
  private readonly timeoutMs: number;
  private readonly origin: string;

  constructor(private readonly options: VsphereClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.origin = new URL(options.url).origin;
    if (options.serviceContent) this.shared.content = Promise.resolve(options.serviceContent);
  }

  /**
   * This client for one tool call: every request it sends ends when `signal` aborts (the call
   * was cancelled), as an AbortError, instead of running on to its deadline (W7-vcancel, as
   * P6Client.withSignal). A view, not a copy: the same session, dispatcher and ServiceContent.
   * The ServiceContent read is shared, so it does not carry `signal`; a view stops waiting
   * for it instead. A view's own signal joins any an invoke passes.
   */
  withSignal(signal: AbortSignal | undefined): VsphereClient {
    const view = Object.create(this.base) as VsphereClient;
    view.callSignal = signal;
    return view;
  }

  /** RetrieveServiceContent, fetched once per client (it needs no session). */
  serviceContent(): Promise<ServiceContent> {
    const shared = this.shared;
    shared.content ??= this.withTimeout('RetrieveServiceContent', undefined, (signal) =>
      retrieveServiceContent(this.options.url, this.options.dispatcher, { signal }),
    ).catch((error: unknown) => {
      shared.content = undefined;
      throw error;
    });
    return untilAborted(shared.content, this.callSignal);
  }

  /**
   * Calls `method` on `thisRef` with escaped `paramsXml` (WSDL order) and returns the
   * `<MethodResponse>` element.
   *
   * @throws ConnectorError: CONN_NOT_AUTHENTICATED when even a renewed session is refused,
   * VsphereFaultError for vim25 faults, CONN_TIMEOUT, and transport codes.
   */
  async invoke(method: string, thisRef: ManagedObjectRef, paramsXml = '', options: InvokeOptions = {}): Promise<XmlElement> {
    const { apiVersion } = await this.serviceContent();
    const callSignal = joinSignals(options.signal, this.callSignal);
    let cookie = await this.options.session.token(callSignal);
    let renewed = false;
    let retried = false;
    for (;;) {
      try {
        return await this.withTimeout(method, callSignal, async (signal) => {
          const { response } = await soapCall({
            url: this.options.url,
            dispatcher: this.options.dispatcher,
            apiVersion,
            method,
            thisRef,
            paramsXml,
            cookie,
            signal,
            maxResponseBytes: this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
            ...(options.stream ? { capture: options.stream() } : {}),
          });
          return response;
        });
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        // The server refused the call before running it, so a retry cannot run it twice.
        if (error.code === 'CONN_NOT_AUTHENTICATED' && !renewed) {
          renewed = true;
          cookie = await this.options.session.renew(cookie, callSignal);
          continue;
        }
        if (error.code === 'CONN_UNREACHABLE' && options.idempotent === true && !retried) {
          retried = true;
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Every object of `spec.type` (one type or several) with `spec.paths`, one server page at a time:
   * CreateContainerView, RetrievePropertiesEx with maxObjects, ContinueRetrievePropertiesEx
   * while a token comes back, then DestroyView, also when the caller stops early. Memory is
   * bounded by one page.
   */
  async *retrievePages(spec: RetrievePagesSpec, options: { signal?: AbortSignal } = {}): AsyncIterable<ObjectContent[]> {
    const sc = await this.serviceContent();
    if (!sc.viewManager || !sc.rootFolder) {
      throw new ConnectorError('CONN_BAD_RESPONSE', `${this.origin} has no ViewManager or root folder; inventory needs a vCenter or ESX SDK`);
    }
    const container = spec.container ?? sc.rootFolder;
    const types = typeof spec.type === 'string' ? [spec.type] : spec.type;
    // A view without a type would hold every managed object: never what a caller means.
    if (types.length === 0) throw new TypeError('retrievePages needs at least one type');
    const created = await this.invoke(
      'CreateContainerView',
      sc.viewManager,
      moRefElement('container', container) + types.map((t) => xmlElement('type', t)).join('') + '<recursive>true</recursive>',
      options,
    );
    const view = parseMoRef(childElement(created, 'returnval'));
    if (!view) throw new ConnectorError('CONN_BAD_RESPONSE', `${this.origin} answered CreateContainerView without a view; check the SDK URL`);
    let token: string | undefined;
    try {
      const params = containerViewSpecXml(view, types, spec.paths, spec.pathsOf) + retrieveOptionsXml(spec.maxObjects ?? DEFAULT_PAGE);
      let page = await this.retrieve('RetrievePropertiesEx', sc.propertyCollector, params, { ...options, idempotent: true });
      for (;;) {
        token = page.token;
        if (page.objects.length > 0) yield page.objects;
        if (token === undefined) break;
        // A token is good for one use only, so this call is never retried on network errors.
        const next = await this.retrieve('ContinueRetrievePropertiesEx', sc.propertyCollector, xmlElement('token', token), options);
        token = undefined;
        page = next;
      }
    } finally {
      // Best effort: vcsim lacks CancelRetrievePropertiesEx, and the view dies with the session anyway.
      // Through the client itself, not a view: a cancelled call still cleans up (within the deadline).
      if (token !== undefined) await this.base.invoke('CancelRetrievePropertiesEx', sc.propertyCollector, xmlElement('token', token)).catch(() => undefined);
      await this.base.invoke('DestroyView', view).catch(() => undefined);
    }
  }

  /** `paths` of known objects; objects that no longer exist are left out of the result. */
  async retrieveObjects(refs: readonly ManagedObjectRef[], paths: readonly string[], options: { signal?: AbortSignal } = {}): Promise<ObjectContent[]> {
    if (refs.length === 0) return [];
    const sc = await this.serviceContent();
    const params = objectsSpecXml(refs, paths) + retrieveOptionsXml(undefined);
    let page = await this.retrieve('RetrievePropertiesEx', sc.propertyCollector, params, { ...options, idempotent: true });
    const out = [...page.objects];
    while (page.token !== undefined) {
      page = await this.retrieve('ContinueRetrievePropertiesEx', sc.propertyCollector, xmlElement('token', page.token), options);
      out.push(...page.objects);
    }
    return out;
  }

  /**
   * Polls a Task until it succeeds (returns `info.result`) or fails (throws VsphereFaultError
   * with the task's fault type), or the deadline passes (CONN_TIMEOUT; the task goes on).
   */
  waitForTask(task: ManagedObjectRef, options: WaitForTaskOptions): Promise<PropertyValue | undefined> {
    const signal = joinSignals(options.signal, this.callSignal);
    return waitForTask(this, task, signal ? { ...options, signal } : options);
  }

  /**
   * One RetrievePropertiesEx or ContinueRetrievePropertiesEx, its objects turned into
   * ObjectContent straight from the tags as the response arrives (issue 17): the page's
   * XML is never held whole, and no element object is built per tag, only its rows.
   */
  private async retrieve(method: string, collector: ManagedObjectRef, params: string, options: InvokeOptions): Promise<RetrievePage> {
    let reader = retrieveResultReader();
    const response = await this.invoke(method, collector, params, {
      ...options,
      stream: () => {
        reader = retrieveResultReader();
        return reader.capture;
      },
    });
    return reader.result(response);
  }

  /** `run` under this client's per-round-trip deadline (D139's helper): CONN_TIMEOUT naming `method`; `outer`'s abort stays an abort. */
  private withTimeout<T>(method: string, outer: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timedOut = (cause: unknown) => new ConnectorError('CONN_TIMEOUT', `vCenter at ${this.origin} did not answer ${method} within ${this.timeoutMs} ms; check that it is healthy, then retry`, { cause });
    return withUpstreamDeadline(this.timeoutMs, outer, timedOut, run);
  }
}

/** Both signals as one (either aborts it), or the one given. */
function joinSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : (a ?? b);
}

/** `promise`, or `signal`'s reason as soon as it aborts (the promise goes on for its other waiters). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error as Error); },
    );
  });
}
