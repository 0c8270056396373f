import { ConnectorError } from '../../connector-error.js';
import { p6ApiUrl } from '../rest/p6-api-url.js';
import { sessionCookieHeader } from '../rest/session-cookie-header.js';
import { p6Exchange, type P6ExchangeResponse } from './p6-exchange.js';
import { p6Field } from './p6-filter.js';
import type { P6ClientOptions, P6Page, P6ReadQuery, P6Reply, P6Row } from './p6-client-types.js';
import { idBatches, upperBound } from './id-batches.js';
import { RecentIds } from './recent-ids.js';
import { PageReadAhead } from './page-read-ahead.js';
import { p6ResponseError } from './p6-response-error.js';

export type { P6ClientOptions, P6Page, P6ReadQuery, P6Reply, P6Row, P6SessionSource } from './p6-client-types.js';

const RESOURCE = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * P6 EPPM REST client for one endpoint (reference §3–§5). Reads send `Fields` always, and
 * big reads are paged on the client side by ObjectId (P6 has no paging). A 401 renews the
 * session and retries once; redirects are never followed; a success counts only with a
 * JSON Content-Type. Errors are ConnectorError with messages safe to show.
 */
export class P6Client {
  private readonly timeoutMs: number;
  private readonly batchSize: number;
  private readonly maxBodyBytes: number;
  /** ObjectIds of recent paged reads, by resource and filter; few entries, newest last. */
  private readonly recentIds: RecentIds;
  /** The next page of recent walks, read ahead (off when ids are not reused). */
  private readonly readAhead: PageReadAhead | undefined;
  /** Set on a view made by {@link withSignal} only: the cancellation its requests carry. */
  private signal: AbortSignal | undefined;

  constructor(private readonly opts: P6ClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.batchSize = opts.batchSize ?? 5000;
    this.maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024 * 1024;
    const reuseMs = opts.idsReuseMs ?? 30_000;
    this.recentIds = new RecentIds(reuseMs, opts.now ?? Date.now);
    this.readAhead = reuseMs > 0 && opts.readAhead !== false ? new PageReadAhead(reuseMs, opts.now ?? Date.now) : undefined;
  }

  /**
   * This client for one tool call: every request it sends ends when `signal` aborts (the
   * call was cancelled), as an AbortError, instead of running on to its deadline. A view,
   * not a copy: the same session, ObjectId lists and pages read ahead; a page it reads ahead
   * is for the next call and does not carry `signal`.
   */
  withSignal(signal: AbortSignal | undefined): P6Client {
    // Shared, not copied: a write through a view drops the pages read ahead for every call.
    const view = Object.create(this) as P6Client;
    view.signal = signal;
    return view;
  }

  /** The REST base this client talks to. */
  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  /** One `GET <resource>?Fields=&Filter=&OrderBy=`: all matching rows at once. Use for small sets. */
  async read(resource: string, query: P6ReadQuery): Promise<P6Row[]> {
    return this.readWith(resource, query, true, this.signal);
  }

  /** {@link read}; with `renew` false a 401 fails instead of logging in again (reads ahead never log in). */
  private async readWith(resource: string, query: P6ReadQuery, renew: boolean, signal: AbortSignal | undefined): Promise<P6Row[]> {
    const params: Record<string, string> = { Fields: query.fields.map(p6Field).join(',') };
    if (query.filter) params['Filter'] = query.filter;
    if (query.orderBy) params['OrderBy'] = query.orderBy;
    const reply = await this.sendWith('GET', [this.resource(resource)], params, undefined, renew, signal);
    if (!Array.isArray(reply.value)) throw new ConnectorError('CONN_BAD_RESPONSE', `P6 answered the ${resource} read with something other than a JSON array; check the endpoint URL`);
    return reply.value as P6Row[];
  }

  /** ObjectIds of every row matching `filter`, ascending: the first step of paging (reference §3). */
  async readIds(resource: string, filter?: string): Promise<number[]> {
    const rows = await this.read(resource, { fields: ['ObjectId'], filter, orderBy: 'ObjectId asc' });
    const ids: number[] = [];
    for (const r of rows) if (typeof r['ObjectId'] === 'number') ids.push(r['ObjectId']);
    return ids.sort((a, b) => a - b);
  }

  /**
   * The rows with these ObjectIds (ascending, a run of the ids matching `filter`), in
   * batches. A batch is one ObjectId range ANDed with `filter`, which returns exactly that
   * run and keeps the URL short; a filter with `:or:` cannot be combined safely (precedence
   * is undocumented, reference §4), so then a batch is an `IN(...)` list of its ids.
   */
  async readByIds(resource: string, fields: readonly string[], ids: readonly number[], filter?: string): Promise<P6Row[]> {
    return this.readRows(resource, fields, ids, filter, true, this.signal);
  }

  /** {@link readByIds}; `renew` and `signal` as for {@link readWith}. */
  private async readRows(resource: string, fields: readonly string[], ids: readonly number[], filter: string | undefined, renew: boolean, signal: AbortSignal | undefined): Promise<P6Row[]> {
    const withId = fields.includes('ObjectId') ? fields : ['ObjectId', ...fields];
    const out: P6Row[] = [];
    for (const batch of idBatches(ids, this.batchSize, filter)) {
      const wanted = new Set(batch.ids);
      const rows = await this.readWith(resource, { fields: withId, filter: batch.filter, orderBy: 'ObjectId asc' }, renew, signal);
      // Defensive: keep only the ids asked for, in order, even if P6 answered more. P6 answers
      // in the order asked, so the sort is only paid when it did not (issue 17: no copies per page).
      const from = out.length;
      let ordered = true;
      for (const r of rows) {
        if (!wanted.has(r['ObjectId'] as number)) continue;
        if (out.length > from && (out[out.length - 1]!['ObjectId'] as number) > (r['ObjectId'] as number)) ordered = false;
        out.push(r);
      }
      if (!ordered) out.splice(from, out.length - from, ...out.slice(from).sort((a, b) => (a['ObjectId'] as number) - (b['ObjectId'] as number)));
    }
    if (!fields.includes('ObjectId')) for (const r of out) delete r['ObjectId'];
    return out;
  }

  /**
   * Page `limit` rows after ObjectId `after`: reads the matching ObjectIds, then only this
   * page's rows. A cursor of ObjectIds never duplicates or skips rows, even across writes.
   * When there is a next page, its rows are read ahead while the caller handles this one
   * (issue 17 item 4), so a walk's next call finds them arrived or arriving.
   */
  async readPage(resource: string, query: { fields: readonly string[]; filter?: string; after?: number; limit: number }): Promise<P6Page> {
    const ids = await this.pagedIds(resource, query.filter, query.after !== undefined);
    const start = query.after === undefined ? 0 : upperBound(ids, query.after);
    const pageIds = ids.slice(start, start + query.limit);
    const key = (after: number | undefined) => `${resource}\n${query.filter ?? ''}\n${query.fields.join(',')}\n${query.limit}\n${after ?? ''}`;
    const early = query.after === undefined ? undefined : await this.readAhead?.take(key(query.after), ids, this.signal);
    // Security: rows read ahead are handed out only while the session is live, as a fresh
    // read would be; a locked or revoked endpoint fails here instead of answering from memory.
    if (early) await this.opts.session.token(this.signal);
    const rows = early ?? (pageIds.length ? await this.readByIds(resource, query.fields, pageIds, query.filter) : []);
    const more = start + query.limit < ids.length;
    if (more && pageIds.length && this.readAhead) {
      const nextIds = ids.slice(start + query.limit, start + 2 * query.limit);
      // A read ahead never logs in: on a 401 it is dropped and the caller's own read renews
      // the session, once, as before (no second login racing the first).
      // Nor does it end with this call (not this call's signal): it is the next call's, and
      // ends only when that call, having taken it, is cancelled.
      this.readAhead.start(key(pageIds.at(-1)!), ids, (signal) => this.readRows(resource, query.fields, nextIds, query.filter, false, signal));
    }
    return { rows, total: ids.length, ...(more && pageIds.length && { next: pageIds.at(-1)! }) };
  }

  /** The ObjectIds behind a paged read; continuing pages reuse them briefly (see RecentIds). */
  private async pagedIds(resource: string, filter: string | undefined, continuing: boolean): Promise<number[]> {
    const key = `${resource}\n${filter ?? ''}`;
    const reused = continuing ? this.recentIds.get(key) : undefined;
    if (reused) return reused;
    const ids = await this.readIds(resource, filter);
    this.recentIds.set(key, ids);
    return ids;
  }

  /** Create, update or delete (reference §5). `DELETE` takes ObjectIds in the query. */
  async write(method: 'POST' | 'PUT' | 'DELETE', resource: string, body: readonly Record<string, unknown>[] | { objectIds: readonly number[] }): Promise<unknown> {
    if (method === 'DELETE') {
      const ids = 'objectIds' in body ? body.objectIds : [];
      if (!ids.length || ids.some((id) => !Number.isSafeInteger(id))) throw new ConnectorError('CONN_INVALID_REQUEST', 'DELETE needs one or more integer ObjectIds');
      return (await this.send('DELETE', [this.resource(resource)], { ObjectId: ids.join(',') })).value;
    }
    if (!Array.isArray(body) || body.length === 0) throw new ConnectorError('CONN_INVALID_REQUEST', `${method} needs a non-empty array of objects (reference §5)`);
    return (await this.send(method, [this.resource(resource)], {}, JSON.stringify(body))).value;
  }

  /**
   * Send one request to `<base>/<segments...>` and return P6's answer (2xx only). Segments
   * must come from a trusted builder or `resolveP6CallPath`; this method does not re-check them.
   */
  async send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', segments: readonly string[], query: Readonly<Record<string, string>> = {}, body?: string): Promise<P6Reply> {
    return this.sendWith(method, segments, query, body, true, this.signal);
  }

  private async sendWith(method: 'GET' | 'POST' | 'PUT' | 'DELETE', segments: readonly string[], query: Readonly<Record<string, string>>, body: string | undefined, renew: boolean, signal: AbortSignal | undefined): Promise<P6Reply> {
    const res = await this.exchangeChecked(method, segments, query, body, renew, signal);
    return { status: res.status, mediaType: res.mediaType, value: this.parse(res, `${method} /${segments.join('/')}`) };
  }

  /** One request with the 401 renewal, a 2xx status and, for reads, a JSON Content-Type. */
  private async exchangeChecked(method: 'GET' | 'POST' | 'PUT' | 'DELETE', segments: readonly string[], query: Readonly<Record<string, string>>, body: string | undefined, renew: boolean, signal: AbortSignal | undefined): Promise<P6ExchangeResponse> {
    const url = p6ApiUrl(this.opts.baseUrl, segments.join('/'), { ...query, ...(this.opts.database && { DatabaseName: this.opts.database }) });
    const what = `${method} /${segments.join('/')}`;
    // A write may change rows read ahead: forget them (the ObjectId lists stay, as before).
    if (method !== 'GET') this.readAhead?.clear();
    let cookie = await this.opts.session.token(signal);
    let res = await this.exchange(method, url, cookie, body, signal);
    if (res.status === 401 && renew) {
      // Reference §2.1: on 401, log in again once and retry once. The broker does the login.
      cookie = await this.opts.session.renew(cookie, signal);
      res = await this.exchange(method, url, cookie, body, signal);
    }
    if (res.status < 200 || res.status >= 300) throw p6ResponseError(res, what);
    // Reference §1: proxies and other servlets answer 200 for made-up paths, so a read only counts with JSON.
    if (res.mediaType !== 'application/json' && (method === 'GET' || res.mediaType === 'text/html')) {
      throw new ConnectorError('CONN_BAD_RESPONSE', `P6 answered ${what} with ${res.mediaType || 'no content type'} instead of JSON; check that the URL is the /p6ws/restapi base`);
    }
    return res;
  }

  /** JSON as a value; other text (write results are declared as String, reference §5) as text. */
  private parse(res: P6ExchangeResponse, what: string): unknown {
    if (res.mediaType !== 'application/json') return res.body;
    try {
      return res.body === '' ? null : JSON.parse(res.body);
    } catch (e) {
      throw new ConnectorError('CONN_BAD_RESPONSE', `P6 sent invalid JSON for ${what}; check the endpoint URL`, { cause: e });
    }
  }

  private resource(name: string): string {
    if (!RESOURCE.test(name)) throw new ConnectorError('CONN_INVALID_REQUEST', `"${name.slice(0, 40)}" is not a P6 resource name; use names such as project or activity`);
    return name;
  }

  private exchange(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: URL, cookie: string, body: string | undefined, signal: AbortSignal | undefined): Promise<P6ExchangeResponse> {
    const headers: Record<string, string> = { accept: 'application/json', cookie: sessionCookieHeader(cookie) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return p6Exchange({ url, method, headers, body, dispatcher: this.opts.dispatcher, timeoutMs: this.timeoutMs, maxBodyBytes: this.maxBodyBytes, signal });
  }
}
