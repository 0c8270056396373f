import { request, type Dispatcher } from 'undici';
import { ACCEPT_IDENTITY, unaskedContentEncoding } from '../../content-encoding.js';
import { ConnectorError } from '../../connector-error.js';
import { readBoundedBody } from '../../read-bounded-body.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { SESSION_TIMEOUT_MS, withUpstreamDeadline } from '../../upstream-deadline.js';
import { compressedVapiAnswer, VAPI_SESSION_HEADER, vapiBase } from '../vapi/vapi-base.js';

/** A session login's answer is `{"value":"<session id>"}`: anything past this is not one. */
const MAX_LOGIN_BODY_BYTES = 64 * 1024;

/** Input of vapiLogin. */
export interface VapiLoginOptions {
  readonly url: string;
  readonly username: string;
  /** Used for this one request and dropped; never logged, never in an error. */
  readonly password: string;
  readonly dispatcher: Dispatcher;
  readonly signal?: AbortSignal;
  /** The whole login, answer headers and body together; default {@link SESSION_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/**
 * `POST /rest/com/vmware/cis/session` with the user's name and password (HTTP Basic): a
 * vAPI session for tags and the content library, which vim25 SOAP does not serve. The broker
 * calls it right after the SOAP login, with the same password, so the child gets both
 * sessions from one unlock (issue 16). Sent once, never retried.
 *
 * Returns undefined when the server has no vAPI service (an ESXi host: 404), so SOAP tools
 * keep working. Security: the password is in one request header only; no error quotes it.
 *
 * @throws ConnectorError CONN_TIMEOUT when the answer is not in whole within the deadline (a
 * server that stalls or trickles holds the broker's token issue no longer), CONN_LOGIN_FAILED,
 * CONN_BAD_RESPONSE, and transport codes from the dispatcher.
 */
export async function vapiLogin(options: VapiLoginOptions): Promise<string | undefined> {
  const base = vapiBase(options.url);
  const origin = new URL(base).origin;
  const basic = Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64');
  const timeoutMs = options.timeoutMs ?? SESSION_TIMEOUT_MS;
  const timedOut = (cause: unknown) => new ConnectorError('CONN_TIMEOUT', `the vAPI service at ${origin} did not answer the session login within ${timeoutMs} ms; check that vCenter is healthy, then retry`, { cause });
  const { status, encoding, text } = await withUpstreamDeadline(timeoutMs, options.signal, timedOut, async (signal) => {
    try {
      const res = await request(`${base}/com/vmware/cis/session`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, accept: 'application/json', ...ACCEPT_IDENTITY },
        dispatcher: options.dispatcher,
        signal,
      });
      const body = await readBoundedBody(res.body, MAX_LOGIN_BODY_BYTES, () => new ConnectorError('CONN_BAD_RESPONSE', `the vAPI service at ${origin} answered the session login with more than ${MAX_LOGIN_BODY_BYTES} bytes`));
      return { status: res.statusCode, encoding: unaskedContentEncoding(res.headers), text: body };
    } catch (error) {
      // A ConnectorError (the size cap) passes through unchanged.
      throw mapUpstreamError(error, new URL(base).host);
    }
  });
  if (status === 404) return undefined;
  if (status === 401 || status === 403) {
    throw new ConnectorError('CONN_LOGIN_FAILED', `the vAPI service at ${origin} rejected the username or password that vim25 accepted; check the account's rights`);
  }
  if (status !== 200) throw new ConnectorError('CONN_BAD_RESPONSE', `the vAPI service at ${origin} answered the session login with HTTP ${status}`);
  if (encoding !== undefined) throw compressedVapiAnswer(origin, 'the session login', encoding);
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value === '') throw new ConnectorError('CONN_BAD_RESPONSE', `the vAPI service at ${origin} sent no session id`);
  return value;
}

/** Input of vapiLogout. */
export interface VapiLogoutOptions {
  readonly url: string;
  readonly session: string;
  readonly dispatcher: Dispatcher;
  /** The whole logout; default {@link SESSION_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/**
 * `DELETE /rest/com/vmware/cis/session`. Best effort: an expired session is not an error.
 *
 * @throws ConnectorError CONN_TIMEOUT past the deadline (a dispatcher is not closed while a
 * request on it is open, so a logout that never ends would hold its connection for good), and
 * transport codes from the dispatcher.
 */
export async function vapiLogout(options: VapiLogoutOptions): Promise<void> {
  const base = vapiBase(options.url);
  const timeoutMs = options.timeoutMs ?? SESSION_TIMEOUT_MS;
  const timedOut = (cause: unknown) => new ConnectorError('CONN_TIMEOUT', `the vAPI service at ${new URL(base).origin} did not answer the session logout within ${timeoutMs} ms; the session ends by itself when it idles out`, { cause });
  await withUpstreamDeadline(timeoutMs, undefined, timedOut, async (signal) => {
    try {
      const res = await request(`${base}/com/vmware/cis/session`, {
        method: 'DELETE',
        headers: { [VAPI_SESSION_HEADER]: options.session, ...ACCEPT_IDENTITY },
        dispatcher: options.dispatcher,
        signal,
      });
      // Discarded, and only up to undici's dump limit: a logout's answer is never read.
      await res.body.dump().catch(() => undefined);
    } catch (error) {
      throw mapUpstreamError(error, new URL(base).host);
    }
  });
}
