import type { Dispatcher } from 'undici';
import { ConnectorError, isConnectorError } from '../../connector-error.js';
import { SESSION_TIMEOUT_MS, withUpstreamDeadline } from '../../upstream-deadline.js';
import { retrieveServiceContent, type ServiceContent } from '../soap/retrieve-service-content.js';
import { soapCall } from '../soap/soap-call.js';

/** Input of vsphereLogout. */
export interface VsphereLogoutOptions {
  readonly url: string;
  /** The `vmware_soap_session` value from vsphereLogin. */
  readonly cookie: string;
  readonly dispatcher: Dispatcher;
  readonly serviceContent?: ServiceContent;
  readonly signal?: AbortSignal;
  /** The whole logout (the ServiceContent read too); default {@link SESSION_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/**
 * `SessionManager.Logout`. A session that is already gone (NotAuthenticated) counts as
 * logged out, because that is the state the caller wants; every other failure throws, so
 * the broker can report a session it could not end.
 *
 * @throws ConnectorError with transport codes, CONN_FAULT, CONN_BAD_RESPONSE, or CONN_TIMEOUT
 * past the deadline (a dispatcher is not closed while a request on it is open, so a logout
 * that never ends would hold its connection for good).
 */
export async function vsphereLogout(options: VsphereLogoutOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? SESSION_TIMEOUT_MS;
  const timedOut = (cause: unknown) => new ConnectorError('CONN_TIMEOUT', `vCenter at ${new URL(options.url).origin} did not answer the logout within ${timeoutMs} ms; the session ends by itself when it idles out`, { cause });
  return withUpstreamDeadline(timeoutMs, options.signal, timedOut, (signal) => logout(options, signal));
}

async function logout(options: VsphereLogoutOptions, signal: AbortSignal): Promise<void> {
  const serviceContent = options.serviceContent ?? (await retrieveServiceContent(options.url, options.dispatcher, { signal }));
  try {
    await soapCall({
      url: options.url,
      dispatcher: options.dispatcher,
      apiVersion: serviceContent.apiVersion,
      method: 'Logout',
      thisRef: serviceContent.sessionManager,
      cookie: options.cookie,
      signal,
    });
  } catch (error) {
    if (isConnectorError(error) && error.code === 'CONN_NOT_AUTHENTICATED') return;
    throw error;
  }
}
