import { request, type Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { readBoundedBody } from '../../read-bounded-body.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';
import { VAPI_SESSION_HEADER, vapiBase } from '../vapi/vapi-base.js';

/** A session login's answer is `{"value":"<session id>"}`: anything past this is not one. */
const MAX_LOGIN_BODY_BYTES = 64 * 1024;

/**
 * `POST /rest/com/vmware/cis/session` with the user's name and password (HTTP Basic): a
 * vAPI session for tags and the content library, which vim25 SOAP does not serve. The broker
 * calls it right after the SOAP login, with the same password, so the child gets both
 * sessions from one unlock (issue 16). Sent once, never retried.
 *
 * Returns undefined when the server has no vAPI service (an ESXi host: 404), so SOAP tools
 * keep working. Security: the password is in one request header only; no error quotes it.
 */
export async function vapiLogin(options: { url: string; username: string; password: string; dispatcher: Dispatcher; signal?: AbortSignal }): Promise<string | undefined> {
  const base = vapiBase(options.url);
  const basic = Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64');
  let res;
  let text: string;
  try {
    res = await request(`${base}/com/vmware/cis/session`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      dispatcher: options.dispatcher,
      signal: options.signal,
    });
    text = await readBoundedBody(res.body, MAX_LOGIN_BODY_BYTES, () => new ConnectorError('CONN_BAD_RESPONSE', `the vAPI service at ${new URL(base).origin} answered the session login with more than ${MAX_LOGIN_BODY_BYTES} bytes`));
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    throw mapUpstreamError(error, new URL(base).host);
  }
  if (res.statusCode === 404) return undefined;
  if (res.statusCode === 401 || res.statusCode === 403) {
    throw new ConnectorError('CONN_LOGIN_FAILED', `the vAPI service at ${new URL(base).origin} rejected the username or password that vim25 accepted; check the account's rights`);
  }
  if (res.statusCode !== 200) throw new ConnectorError('CONN_BAD_RESPONSE', `the vAPI service at ${new URL(base).origin} answered the session login with HTTP ${res.statusCode}`);
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value === '') throw new ConnectorError('CONN_BAD_RESPONSE', `the vAPI service at ${new URL(base).origin} sent no session id`);
  return value;
}

/** `DELETE /rest/com/vmware/cis/session`. Best effort: an expired session is not an error. */
export async function vapiLogout(options: { url: string; session: string; dispatcher: Dispatcher }): Promise<void> {
  const res = await request(`${vapiBase(options.url)}/com/vmware/cis/session`, {
    method: 'DELETE',
    headers: { [VAPI_SESSION_HEADER]: options.session },
    dispatcher: options.dispatcher,
  });
  // Discarded, and only up to undici's dump limit: a logout's answer is never read.
  await res.body.dump().catch(() => undefined);
}
