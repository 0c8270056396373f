import { Agent, type Dispatcher } from 'undici';
import { ACCEPT_IDENTITY, unaskedContentEncoding } from '../../content-encoding.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { withUpstreamDeadline } from '../../upstream-deadline.js';
import { p6Timeout } from './p6-timeout.js';

/** Default time for one P6 session call, headers and body together. */
export const P6_DEFAULT_TIMEOUT_MS = 30_000;

/** Session calls only need short bodies (error messages); anything longer is cut here. */
const MAX_BODY_CHARS = 64 * 1024;

/** One request of the session module. */
export interface P6HttpRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The broker passes the pinned dispatcher from `connectors/tls`; default: a verifying Agent. */
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/** The parts of a response the session module looks at. */
export interface P6HttpResponse {
  status: number;
  /** Lower-cased media type without parameters, '' when absent. */
  mediaType: string;
  /** Raw `Set-Cookie` header lines. */
  setCookie: string[];
  /** At most the first 64 KiB of the body, as text ('' when it came compressed). Never put it in an error message: it may echo input. */
  body: string;
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  let text = '';
  for await (const chunk of body as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length >= MAX_BODY_CHARS) break; // leaving the loop destroys the stream
  }
  return text.slice(0, MAX_BODY_CHARS);
}

/**
 * One HTTP exchange with P6, never redirected and never retried. Network and TLS failures
 * come back as the ConnectorError every connector uses (`mapUpstreamError`), the deadline
 * as CONN_TIMEOUT; HTTP statuses are the caller's to interpret.
 */
export async function p6Send(req: P6HttpRequest): Promise<P6HttpResponse> {
  const timeoutMs = req.timeoutMs ?? P6_DEFAULT_TIMEOUT_MS;
  // Security: the default Agent verifies certificates (rejectUnauthorized stays true); it is
  // per call and closed afterwards, so no connection outlives the request.
  const own = req.dispatcher ? undefined : new Agent();
  const dispatcher = req.dispatcher ?? own!;
  // Security: maxRedirections 0 switches off a redirect interceptor the dispatcher might carry.
  // Following a redirect could replay the credential headers to another host, and the
  // /p6 web UI answers with redirects that must be reported, not followed.
  const options: Dispatcher.RequestOptions & { maxRedirections: 0 } = {
    origin: req.url.origin,
    path: `${req.url.pathname}${req.url.search}`,
    method: req.method,
    headers: { ...req.headers, ...ACCEPT_IDENTITY },
    maxRedirections: 0,
  };
  try {
    // One deadline for headers and body (D139's helper); a session call has no caller to cancel it.
    return await withUpstreamDeadline(timeoutMs, undefined, (cause) => p6Timeout(req.url.origin, timeoutMs, cause), async (signal) => {
      const res = await dispatcher.request({ ...options, signal });
      const contentType = res.headers['content-type'];
      const setCookie = res.headers['set-cookie'];
      return {
        status: res.statusCode,
        mediaType: ((Array.isArray(contentType) ? contentType[0] : contentType) ?? '').split(';')[0]!.trim().toLowerCase(),
        setCookie: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie],
        // A compressed body (asked for none) is not read as text: the status decides alone.
        body: unaskedContentEncoding(res.headers) === undefined ? await readCapped(res.body) : (res.body.on('error', () => undefined).destroy(), ''),
      };
    });
  } catch (e) {
    // The shared mapping (issue 13): the same bad certificate gets the same code as for vSphere.
    // The deadline's CONN_TIMEOUT passes through unchanged.
    throw mapUpstreamError(e, req.url.host);
  } finally {
    await own?.close();
  }
}

/** True for an HTML page: the web UI, a proxy or a servlet error page, never the REST API. */
export const isHtml = (res: P6HttpResponse): boolean => res.mediaType === 'text/html' || res.mediaType === 'application/xhtml+xml';

/** True for a redirect status; P6 REST never redirects, the web UI does. */
export const isRedirect = (res: P6HttpResponse): boolean => res.status >= 300 && res.status < 400;
