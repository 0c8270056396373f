import type { Dispatcher } from 'undici';
import type { P6LoginVariant } from '../../../base/contracts/endpoint.js';
import { ConnectorError } from '../../connector-error.js';
import { p6LoginHeaders } from './p6-login-headers.js';
import { isHtml, isRedirect, p6Send, type P6HttpResponse } from '../rest/p6-send.js';
import { p6ApiUrl } from '../rest/p6-api-url.js';
import { setCookiePairs } from './set-cookie-pairs.js';

/** What `p6Login` needs. The password is used for this one request and not kept. */
export interface P6LoginOptions {
  /** The REST base, `https://<host>/p6ws/restapi`. */
  baseUrl: string;
  /** The DatabaseName alias configured in P6 (not the Oracle SID). */
  database: string;
  username: string;
  password: string;
  variant: P6LoginVariant;
  /** The pinned dispatcher from `connectors/tls`; default: a verifying undici Agent. */
  dispatcher?: Dispatcher;
  /** Default {@link P6_DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** A P6 session: the token the broker grants to the P6 server. */
export interface P6Session {
  /** Every cookie from `/login` as `name=value`, joined with `; `: the `Cookie` header for later calls. */
  cookieHeader: string;
  /** The same cookies, one `name=value` each. */
  cookies: string[];
}

const CREDENTIALS_REFUSED =
  'P6 rejected the login (bad username/password, locked account, or no Web Services access); ' +
  'check them in P6 before retrying — each failed attempt counts toward lockout';

const WEB_UI =
  'P6 answered the login with a web page; the URL probably points at the /p6 web UI instead of /p6ws/restapi — use https://<host>/p6ws/restapi';

function badAlias(database: string): string {
  return `P6 rejected the database alias ${JSON.stringify(database)}; ask your P6 administrator for the DatabaseName alias`;
}

/** Turn the login response into a session or the one error that tells the user what to fix. */
function interpret(res: P6HttpResponse, database: string): P6Session {
  // A 500 is P6's only answer to refused credentials; it is checked first so nothing below
  // can turn a possible lockout into an error that invites a retry.
  if (res.status === 500) throw new ConnectorError('CONN_LOGIN_FAILED', CREDENTIALS_REFUSED);
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    throw new ConnectorError('CONN_UNREACHABLE', `P6 or a proxy in front of it is unavailable (HTTP ${res.status}); try again later`);
  }
  if (res.status === 404 || res.status === 405) {
    throw new ConnectorError(
      'CONN_BAD_RESPONSE',
      `P6 has no login service at this URL (HTTP ${res.status}); use https://<host>/p6ws/restapi — some sites publish Web Services on a separate host`,
    );
  }
  if (isHtml(res) || isRedirect(res)) throw new ConnectorError('CONN_BAD_RESPONSE', WEB_UI);
  if (res.status === 401) {
    // The alias check is the one 401 P6 explains; it means the real API was reached.
    if (/invalid database name/i.test(res.body)) throw new ConnectorError('CONN_LOGIN_FAILED', badAlias(database));
    throw new ConnectorError('CONN_LOGIN_FAILED', CREDENTIALS_REFUSED);
  }
  if (res.status === 403) throw new ConnectorError('CONN_LOGIN_FAILED', CREDENTIALS_REFUSED);
  if (res.status < 200 || res.status >= 300) {
    throw new ConnectorError('CONN_FAULT', `P6 refused the login request (HTTP ${res.status}); check the URL and the P6 Web Services settings`);
  }
  const cookies = setCookiePairs(res.setCookie);
  if (cookies.length === 0) {
    throw new ConnectorError(
      'CONN_BAD_RESPONSE',
      'P6 accepted the login but set no session cookie; check that the URL is the P6 Web Services REST base (/p6ws/restapi)',
    );
  }
  return { cookieHeader: cookies.join('; '), cookies };
}

/**
 * Log in to P6 EPPM REST: `POST <base>/login?DatabaseName=<alias>` with no body and the
 * credentials in headers (reference §2.1). Makes exactly one attempt: never retried,
 * because every refused login counts toward P6's account lockout. Redirects are not followed.
 *
 * @throws ConnectorError `CONN_LOGIN_FAILED` (credentials or alias refused, with distinct
 *   messages), `CONN_BAD_RESPONSE` (web UI or not P6), `CONN_UNREACHABLE`, `CONN_TIMEOUT`,
 *   `CONN_TLS_UNTRUSTED`, `CONN_INVALID_REQUEST` (refused before sending). Messages never
 *   contain the password or a cookie.
 */
export async function p6Login(opts: P6LoginOptions): Promise<P6Session> {
  if (opts.database.trim() === '') {
    throw new ConnectorError('CONN_INVALID_REQUEST', 'The P6 database alias is empty; ask your P6 administrator for the DatabaseName alias');
  }
  const url = p6ApiUrl(opts.baseUrl, 'login', { DatabaseName: opts.database });
  const headers = { accept: 'application/json', ...p6LoginHeaders(opts.variant, opts.username, opts.password) };
  const res = await p6Send({ url, method: 'POST', headers, dispatcher: opts.dispatcher, timeoutMs: opts.timeoutMs });
  return interpret(res, opts.database);
}
