import type { Dispatcher } from 'undici';
import { ACCEPT_IDENTITY, unaskedContentEncoding } from '../../content-encoding.js';
import { ConnectorError } from '../../connector-error.js';
import { readBoundedBody } from '../../read-bounded-body.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { withUpstreamDeadline } from '../../upstream-deadline.js';
import { p6Timeout } from '../rest/p6-timeout.js';

/** One REST exchange as the client sends it. */
export interface P6ExchangeRequest {
  url: URL;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Larger bodies are refused: a read that big should be narrowed or paged. */
  maxBodyBytes: number;
  /** The caller's cancellation (a tool call's request signal); its abort ends the request, headers or body. */
  signal?: AbortSignal;
}

/** A response, body read completely (up to the cap). */
export interface P6ExchangeResponse {
  status: number;
  /** Lower-cased media type without parameters; '' when absent. */
  mediaType: string;
  body: string;
}

/**
 * One HTTP exchange with P6 REST, never redirected and never retried here (the client
 * decides about the one 401 retry). Network and TLS failures map as for every connector
 * (`mapUpstreamError`); the deadline (headers and body together, D139's helper) becomes
 * CONN_TIMEOUT, and the caller's `signal` (a cancelled tool call) ends the request as an
 * AbortError.
 */
export async function p6Exchange(req: P6ExchangeRequest): Promise<P6ExchangeResponse> {
  // Security: maxRedirections 0, so a redirect is reported to the caller and never followed
  // with the session cookie to wherever it points.
  const options: Dispatcher.RequestOptions & { maxRedirections: 0 } = {
    origin: req.url.origin,
    path: `${req.url.pathname}${req.url.search}`,
    method: req.method,
    headers: { ...req.headers, ...ACCEPT_IDENTITY },
    body: req.body,
    maxRedirections: 0,
  };
  try {
    return await withUpstreamDeadline(req.timeoutMs, req.signal, (cause) => p6Timeout(req.url.origin, req.timeoutMs, cause), async (signal) => {
      const res = await req.dispatcher.request({ ...options, signal });
      const contentType = res.headers['content-type'];
      const body = await readBoundedBody(res.body, req.maxBodyBytes, () => new ConnectorError('CONN_BAD_RESPONSE', `P6 at ${req.url.origin} sent more than ${req.maxBodyBytes} bytes; narrow the filter or the field list`));
      // Asked for none, so never undone: named, where its bytes would read as "invalid JSON".
      const encoding = unaskedContentEncoding(res.headers);
      if (encoding !== undefined && body !== '') {
        throw new ConnectorError('CONN_BAD_RESPONSE', `P6 at ${req.url.origin} answered compressed (content-encoding: ${encoding}) although KeyBroker asked for none; check for a proxy between KeyBroker and P6 that compresses answers`);
      }
      return {
        status: res.statusCode,
        mediaType: ((Array.isArray(contentType) ? contentType[0] : contentType) ?? '').split(';')[0]!.trim().toLowerCase(),
        body,
      };
    });
  } catch (e) {
    // The deadline's CONN_TIMEOUT and the checks' own errors pass through unchanged, as does a caller's abort.
    throw mapUpstreamError(e, req.url.host);
  }
}
