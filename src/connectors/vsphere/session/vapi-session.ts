import { request, type Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { mapUpstreamError } from '../../tls/map-upstream-error.js';

/** The header a vAPI REST session id travels in (request and answer). */
export const VAPI_SESSION_HEADER = 'vmware-api-session-id';

/** `https://vc/sdk` → `https://vc/rest`: the vAPI REST base of a vCenter. */
export function vapiBaseUrl(sdkUrl: string): string {
  return `${new URL(sdkUrl).origin}/rest`;
}

/** Input of vapiLogin. */
export interface VapiLoginOptions {
  /** The endpoint's vim25 URL (`https://vc/sdk`); the REST service is on the same origin. */
  readonly url: string;
  readonly username: string;
  /** Used for this one request and dropped; never logged, never in an error. */
  readonly password: string;
  readonly dispatcher: Dispatcher;
  readonly signal?: AbortSignal;
}

/**
 * Creates a vAPI REST session (tags, categories, content libraries) with the same login as
 * the vim25 one: `POST /rest/com/vmware/cis/session` with Basic auth, the id asked for in
 * the answer body only (`vmware-use-header-authn`), not as a cookie. Sent once, never
 * retried. Resolves undefined when the vCenter has no vAPI REST service (404), so the
 * vim25 session still works without it.
 *
 * @throws ConnectorError CONN_LOGIN_FAILED (401/403), CONN_BAD_RESPONSE, transport codes.
 * No message contains the password.
 */
export async function vapiLogin(options: VapiLoginOptions): Promise<string | undefined> {
  const base = vapiBaseUrl(options.url);
  const origin = new URL(base).origin;
  let status: number;
  let text: string;
  try {
    // Security: the Basic credentials live in this header only; undici's errors never echo headers.
    const auth = Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64');
    const res = await request(`${base}/com/vmware/cis/session`, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: { authorization: `Basic ${auth}`, 'vmware-use-header-authn': 'true', accept: 'application/json' },
      signal: options.signal,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (error) {
    throw mapUpstreamError(error, new URL(base).host);
  }
  if (status === 404) return undefined;
  if (status === 401 || status === 403) throw new ConnectorError('CONN_LOGIN_FAILED', `vCenter at ${origin} refused the vAPI REST login (HTTP ${status}); check the user name and password`);
  if (status !== 200) throw new ConnectorError('CONN_BAD_RESPONSE', `vCenter at ${origin} answered the vAPI REST login with HTTP ${status}`);
  let id: unknown;
  try {
    id = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || id === '' || id.length > 4096) throw new ConnectorError('CONN_BAD_RESPONSE', `vCenter at ${origin} accepted the vAPI REST login but sent no session id`);
  return id;
}

/** Ends a vAPI REST session. Best effort: an already-dead session is not an error. */
export async function vapiLogout(options: { url: string; session: string; dispatcher: Dispatcher; signal?: AbortSignal }): Promise<void> {
  const base = vapiBaseUrl(options.url);
  try {
    const res = await request(`${base}/com/vmware/cis/session`, { method: 'DELETE', dispatcher: options.dispatcher, headers: { [VAPI_SESSION_HEADER]: options.session }, signal: options.signal });
    await res.body.dump();
  } catch (error) {
    throw mapUpstreamError(error, new URL(base).host);
  }
}
