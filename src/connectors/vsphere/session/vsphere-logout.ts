import type { Dispatcher } from 'undici';
import { isConnectorError } from '../../connector-error.js';
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
}

/**
 * `SessionManager.Logout`. A session that is already gone (NotAuthenticated) counts as
 * logged out, because that is the state the caller wants; every other failure throws, so
 * the broker can report a session it could not end.
 *
 * @throws ConnectorError with transport codes, CONN_FAULT or CONN_BAD_RESPONSE.
 */
export async function vsphereLogout(options: VsphereLogoutOptions): Promise<void> {
  const serviceContent = options.serviceContent ?? (await retrieveServiceContent(options.url, options.dispatcher, { signal: options.signal }));
  try {
    await soapCall({
      url: options.url,
      dispatcher: options.dispatcher,
      apiVersion: serviceContent.apiVersion,
      method: 'Logout',
      thisRef: serviceContent.sessionManager,
      cookie: options.cookie,
      signal: options.signal,
    });
  } catch (error) {
    if (isConnectorError(error) && error.code === 'CONN_NOT_AUTHENTICATED') return;
    throw error;
  }
}
