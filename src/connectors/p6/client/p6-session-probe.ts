import type { Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { isHtml, isRedirect, p6Send } from '../rest/p6-send.js';
import { p6ApiUrl } from '../rest/p6-api-url.js';
import { sessionCookieHeader } from '../rest/session-cookie-header.js';

/** What `p6SessionProbe` needs. */
export interface P6SessionProbeOptions {
  baseUrl: string;
  cookieHeader: string;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/**
 * Is this P6 session still alive? Reads projects with a filter that matches nothing
 * (`ObjectId:eq:0`), so the answer is `[]` however large the database. A real read is
 * needed: `/<resource>/fields` answers 200 without a valid session (reference §1).
 * Counts as alive only a 200 with a JSON body, since proxies answer 200 too.
 *
 * @returns true when alive, false on 401 (expired, logged out or revoked: log in again).
 * @throws ConnectorError for web pages, other statuses and network failures.
 */
export async function p6SessionProbe(opts: P6SessionProbeOptions): Promise<boolean> {
  const url = p6ApiUrl(opts.baseUrl, 'project', { Fields: 'ObjectId', Filter: 'ObjectId:eq:0' });
  const headers = { accept: 'application/json', cookie: sessionCookieHeader(opts.cookieHeader) };
  const res = await p6Send({ url, method: 'GET', headers, dispatcher: opts.dispatcher, timeoutMs: opts.timeoutMs });
  if (isHtml(res) || isRedirect(res)) {
    throw new ConnectorError('CONN_BAD_RESPONSE', 'P6 answered with a web page; the URL probably points at the /p6 web UI instead of /p6ws/restapi');
  }
  if (res.status === 401) return false;
  if (res.status === 200 && res.mediaType === 'application/json') return true;
  if (res.status === 200) {
    throw new ConnectorError('CONN_BAD_RESPONSE', `P6 answered the session check with ${res.mediaType || 'no content type'} instead of JSON; check that the URL is /p6ws/restapi`);
  }
  throw new ConnectorError('CONN_FAULT', `P6 refused the session check (HTTP ${res.status}); the user may lack access to projects`);
}
