import { request, type Dispatcher } from 'undici';
import { ACCEPT_IDENTITY, unaskedContentEncoding } from '../../content-encoding.js';
import { ClientTurns } from '../../client-turns.js';
import { ConnectorError } from '../../connector-error.js';
import { readBoundedBody } from '../../read-bounded-body.js';
import { withUpstreamDeadline } from '../../upstream-deadline.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { compressedVapiAnswer, VAPI_SESSION_HEADER, vapiBase } from './vapi-base.js';

/** Where a VapiClient gets its session: the broker's grant, renewed on 401. */
export interface VapiSessionSource {
  token(): Promise<string>;
  /** The server refused `stale`: get a fresh session. */
  renew(stale: string): Promise<string>;
}

/** Bounded: tag and category answers are small; a larger body is a wrong URL or a hostile server. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Requests one client has in flight at once; the rest wait their turn, each MCP client's in
 * order and the MCP clients in turn (ClientTurns, D201).
 * vAPI lists ids and is then read one id at a time (a tag, a category, a library): without a
 * bound, a vCenter with thousands of tags got thousands of requests and TLS connections at once
 * from one tool call. Six, as a browser (the vSphere Client itself) opens to one origin (D129).
 */
export const VAPI_MAX_IN_FLIGHT = 6;

/** One request's deadline (answer headers and body together) when the caller gives none. */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The calls of one piece of work (a tool call): {@link VapiClient} itself, or the scope of a
 * {@link VapiCalls.batch}.
 */
export interface VapiCalls {
  /** GET (or a read-only POST `~action`) of `path` under /rest; returns `value`. */
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
  /**
   * `work` with calls that stop together: once `work` has settled (its first failure, with
   * `Promise.all`), its calls still waiting for a turn are never sent and those in flight are
   * cancelled. With {@link VAPI_MAX_IN_FLIGHT} turns shared by every call of the client, the
   * hundreds of reads a failed (or cancelled: `signal`) tool call had queued would otherwise
   * go on holding the turns, each up to its timeout, ahead of the next tool call's reads.
   */
  batch<T>(work: (calls: VapiCalls) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * A small client for vCenter's vAPI REST service (`/rest/...`, JSON `{value: ...}`) with the
 * endpoint's verified TLS dispatcher. A 401 renews the session once and retries (the call
 * was refused, so it did not run). Reads only: issue 16 uses it for tags.
 */
export class VapiClient implements VapiCalls {
  private readonly base: string;
  private readonly turns = new ClientTurns(VAPI_MAX_IN_FLIGHT);

  constructor(private readonly opts: { url: string; dispatcher: Dispatcher; session: VapiSessionSource; timeoutMs?: number }) {
    this.base = vapiBase(opts.url);
  }

  /**
   * GET (or a read-only POST `~action`, e.g. list-attached-objects) of `path` under /rest;
   * returns `value`. At most {@link VAPI_MAX_IN_FLIGHT} calls of this client are sent at once.
   */
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.callUntil(undefined, method, path, body);
  }

  async batch<T>(work: (calls: VapiCalls) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const stop = new AbortController();
    const until = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    const calls: VapiCalls = { call: (method, path, body) => this.callUntil(until, method, path, body), batch: (inner, s) => this.batch(inner, s ? AbortSignal.any([until, s]) : until) };
    try {
      return await work(calls);
    } finally {
      stop.abort();
    }
  }

  private callUntil(until: AbortSignal | undefined, method: 'GET' | 'POST', path: string, body: unknown): Promise<unknown> {
    return this.turns.run(() => {
      // Its batch ended while it waited: not sent, and the turn goes to the next call at once.
      if (until?.aborted) return Promise.reject(new ConnectorError('CONN_FAULT', `the vAPI call ${method} ${path} was not sent: the work it belonged to had already ended`));
      return this.send(method, path, body, until);
    });
  }

  private async send(method: 'GET' | 'POST', path: string, body: unknown, until: AbortSignal | undefined): Promise<unknown> {
    let token = await this.opts.session.token();
    for (let attempt = 0; ; attempt++) {
      const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      let status: number;
      let encoding: string | undefined;
      let text: string;
      try {
        // Its own deadline, as the session requests' (D139): an expected failure
        // (CONN_TIMEOUT), not the bare DOMException the tool error policy would take for a bug.
        ({ status, encoding, text } = await withUpstreamDeadline(
          timeoutMs,
          until,
          (cause) => new ConnectorError('CONN_TIMEOUT', `the vAPI service at ${new URL(this.base).origin} did not answer ${method} ${path} within ${timeoutMs} ms; check that vCenter is healthy, then retry`, { cause }),
          async (signal) => {
            const res = await request(`${this.base}${path}`, {
              method,
              headers: { [VAPI_SESSION_HEADER]: token, accept: 'application/json', ...ACCEPT_IDENTITY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
              body: body === undefined ? undefined : JSON.stringify(body),
              dispatcher: this.opts.dispatcher,
              signal,
            });
            const encoding = unaskedContentEncoding(res.headers);
            // Counted as the bytes arrive, whatever content-length says (or whether it is sent).
            const text = await readBoundedBody(res.body, MAX_BODY_BYTES, () => new ConnectorError('CONN_BAD_RESPONSE', `the vAPI answer to ${path} is larger than ${MAX_BODY_BYTES} bytes; narrow the request (a filter), or check that the URL is the vCenter`));
            return { status: res.statusCode, encoding, text };
          },
        ));
      } catch (error) {
        // A ConnectorError (the deadline's CONN_TIMEOUT, the size cap) passes through unchanged.
        throw mapUpstreamError(error, new URL(this.base).host);
      }
      if (status === 401 && attempt === 0) {
        token = await this.opts.session.renew(token);
        continue;
      }
      if (status === 401) throw new ConnectorError('CONN_NOT_AUTHENTICATED', `the vAPI service refused the session for ${path} even after logging in again; unlock the endpoint again`);
      // One object by id (`/id:...`) is read only after a list found it, so vAPI is there and the
      // object went in between: not the ESXi host the other 404 suggests.
      if (status === 404 && path.includes('/id:')) throw new ConnectorError('CONN_FAULT', `vCenter has no ${path} any more (deleted since it was listed?); call again`);
      if (status === 404) throw new ConnectorError('CONN_FAULT', `vCenter has no ${path} (is this an ESXi host? tags need vCenter)`);
      if (status === 403) throw new ConnectorError('CONN_FAULT', `the vAPI service refused ${method} ${path} (HTTP 403): the account lacks a privilege it needs; check its role in vCenter`);
      if (status < 200 || status >= 300) throw new ConnectorError('CONN_FAULT', `the vAPI service answered ${method} ${path} with HTTP ${status}`);
      if (text === '') return undefined;
      // Not decompressed (D140): vCenter compresses only when asked, and it is not.
      if (encoding !== undefined) throw compressedVapiAnswer(new URL(this.base).origin, `${method} ${path}`, encoding);
      try {
        return (JSON.parse(text) as { value?: unknown }).value;
      } catch {
        throw new ConnectorError('CONN_BAD_RESPONSE', `the vAPI answer to ${path} is not JSON`);
      }
    }
  }
}
