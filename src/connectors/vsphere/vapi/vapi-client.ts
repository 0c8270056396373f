import pLimit, { type LimitFunction } from 'p-limit';
import { request, type Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { readBoundedBody } from '../../read-bounded-body.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { VAPI_SESSION_HEADER, vapiBase } from './vapi-base.js';

/** Where a VapiClient gets its session: the broker's grant, renewed on 401. */
export interface VapiSessionSource {
  token(): Promise<string>;
  /** The server refused `stale`: get a fresh session. */
  renew(stale: string): Promise<string>;
}

/** Bounded: tag and category answers are small; a larger body is a wrong URL or a hostile server. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Requests one client has in flight at once; the rest wait their turn, first come first served.
 * vAPI lists ids and is then read one id at a time (a tag, a category, a library): without a
 * bound, a vCenter with thousands of tags got thousands of requests and TLS connections at once
 * from one tool call. Six, as a browser (the vSphere Client itself) opens to one origin (D129).
 */
export const VAPI_MAX_IN_FLIGHT = 6;

/**
 * A small client for vCenter's vAPI REST service (`/rest/...`, JSON `{value: ...}`) with the
 * endpoint's verified TLS dispatcher. A 401 renews the session once and retries (the call
 * was refused, so it did not run). Reads only: issue 16 uses it for tags.
 */
export class VapiClient {
  private readonly base: string;
  private readonly turn: LimitFunction = pLimit(VAPI_MAX_IN_FLIGHT);

  constructor(private readonly opts: { url: string; dispatcher: Dispatcher; session: VapiSessionSource; timeoutMs?: number }) {
    this.base = vapiBase(opts.url);
  }

  /**
   * GET (or a read-only POST `~action`, e.g. list-attached-objects) of `path` under /rest;
   * returns `value`. At most {@link VAPI_MAX_IN_FLIGHT} calls of this client are sent at once.
   */
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.turn(() => this.send(method, path, body));
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let token = await this.opts.session.token();
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let text: string;
      try {
        const res = await request(`${this.base}${path}`, {
          method,
          headers: { [VAPI_SESSION_HEADER]: token, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          dispatcher: this.opts.dispatcher,
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
        });
        status = res.statusCode;
        // Counted as the bytes arrive, whatever content-length says (or whether it is sent).
        text = await readBoundedBody(res.body, MAX_BODY_BYTES, () => new ConnectorError('CONN_BAD_RESPONSE', `the vAPI answer to ${path} is larger than ${MAX_BODY_BYTES} bytes`));
      } catch (error) {
        // A ConnectorError (the size cap) passes through unchanged.
        throw mapUpstreamError(error, new URL(this.base).host);
      }
      if (status === 401 && attempt === 0) {
        token = await this.opts.session.renew(token);
        continue;
      }
      if (status === 401) throw new ConnectorError('CONN_NOT_AUTHENTICATED', `the vAPI service refused the session for ${path} even after logging in again; unlock the endpoint again`);
      if (status === 404) throw new ConnectorError('CONN_FAULT', `vCenter has no ${path} (is this an ESXi host? tags need vCenter)`);
      if (status < 200 || status >= 300) throw new ConnectorError('CONN_FAULT', `the vAPI service answered ${method} ${path} with HTTP ${status}`);
      if (text === '') return undefined;
      try {
        return (JSON.parse(text) as { value?: unknown }).value;
      } catch {
        throw new ConnectorError('CONN_BAD_RESPONSE', `the vAPI answer to ${path} is not JSON`);
      }
    }
  }
}
