import type { Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { isHtml, isRedirect, p6Send } from '../rest/p6-send.js';
import { p6ApiUrl } from '../rest/p6-api-url.js';
import { sessionCookieHeader } from '../rest/session-cookie-header.js';

/** What `p6Logout` needs. */
export interface P6LogoutOptions {
  baseUrl: string;
  /** `P6Session.cookieHeader` from `p6Login`. */
  cookieHeader: string;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/** `logged_out`: P6 ended the session. `not_logged_in`: it had already ended (expired or logged out). */
export type P6LogoutResult = 'logged_out' | 'not_logged_in';

/**
 * End a P6 session: `POST <base>/logout` (reference §2.1), which answers 200 or
 * 400 "User not logged in". Both leave the session dead, so lock and dispose can treat
 * either as done; only a failure to reach P6 or a foreign answer throws.
 */
export async function p6Logout(opts: P6LogoutOptions): Promise<P6LogoutResult> {
  const url = p6ApiUrl(opts.baseUrl, 'logout');
  const headers = { accept: 'application/json', cookie: sessionCookieHeader(opts.cookieHeader) };
  const res = await p6Send({ url, method: 'POST', headers, dispatcher: opts.dispatcher, timeoutMs: opts.timeoutMs });
  if (isHtml(res) || isRedirect(res)) {
    throw new ConnectorError('CONN_BAD_RESPONSE', 'P6 answered the logout with a web page; the URL probably points at the /p6 web UI instead of /p6ws/restapi');
  }
  if (res.status >= 200 && res.status < 300) return 'logged_out';
  if (res.status === 400 || res.status === 401) return 'not_logged_in';
  throw new ConnectorError('CONN_FAULT', `P6 refused the logout (HTTP ${res.status}); the session ends by itself when it idles out`);
}
