import type { Dispatcher } from 'undici';
import { ConnectorError, isConnectorError } from '../../connector-error.js';
import { retrieveServiceContent, type ServiceContent } from '../soap/retrieve-service-content.js';
import { soapCall } from '../soap/soap-call.js';
import { moRefElement } from '../soap/soap-envelope.js';
import { childElement, childElements, childText, type XmlElement } from '../soap/soap-xml.js';

/** Input of the session probe. */
export interface VsphereSessionProbeOptions {
  readonly url: string;
  readonly cookie: string;
  readonly dispatcher: Dispatcher;
  readonly serviceContent?: ServiceContent;
  readonly signal?: AbortSignal;
}

/** `SessionManager.currentSession` (a UserSession), the fields worth showing. */
export interface VsphereUserSession {
  readonly key: string;
  readonly userName: string;
  readonly fullName: string | undefined;
  readonly loginTime: string | undefined;
  readonly lastActiveTime: string | undefined;
}

/**
 * Reads `SessionManager.currentSession` with RetrievePropertiesEx: the cheap "am I still
 * logged in" probe. SessionIsActive is not used because ESX and vcsim answer it with
 * NotImplemented (reference §3).
 *
 * @throws ConnectorError CONN_NOT_AUTHENTICATED when the cookie has no live session:
 * vCenter faults, vcsim reports the property missing or leaves it out.
 */
export async function vsphereCurrentSession(options: VsphereSessionProbeOptions): Promise<VsphereUserSession> {
  const sc = options.serviceContent ?? (await retrieveServiceContent(options.url, options.dispatcher, { signal: options.signal }));
  const spec =
    '<specSet><propSet><type>SessionManager</type><all>false</all><pathSet>currentSession</pathSet></propSet>' +
    `<objectSet>${moRefElement('obj', sc.sessionManager)}<skip>false</skip></objectSet></specSet><options/>`;
  const { response } = await soapCall({
    url: options.url,
    dispatcher: options.dispatcher,
    apiVersion: sc.apiVersion,
    method: 'RetrievePropertiesEx',
    thisRef: sc.propertyCollector,
    paramsXml: spec,
    cookie: options.cookie,
    signal: options.signal,
  });
  const value = currentSessionValue(response);
  const key = value && childText(value, 'key');
  const userName = value && childText(value, 'userName');
  if (!value || !key || !userName) {
    throw new ConnectorError('CONN_NOT_AUTHENTICATED', `the vCenter session at ${new URL(options.url).origin} is not valid any more; log in again`);
  }
  return {
    key,
    userName,
    fullName: childText(value, 'fullName'),
    loginTime: childText(value, 'loginTime'),
    lastActiveTime: childText(value, 'lastActiveTime'),
  };
}

/** True while `cookie` belongs to a live session; other failures still throw. */
export async function vsphereSessionIsActive(options: VsphereSessionProbeOptions): Promise<boolean> {
  try {
    await vsphereCurrentSession(options);
    return true;
  } catch (error) {
    if (isConnectorError(error) && error.code === 'CONN_NOT_AUTHENTICATED') return false;
    throw error;
  }
}

// returnval may be absent (vCenter) or empty (vcsim) when nothing matched; a missingSet
// entry instead of a propSet also means "not readable in this session".
function currentSessionValue(response: XmlElement): XmlElement | undefined {
  for (const objects of childElements(response, 'returnval').flatMap((r) => childElements(r, 'objects'))) {
    for (const prop of childElements(objects, 'propSet')) {
      if (childText(prop, 'name') === 'currentSession') return childElement(prop, 'val');
    }
  }
  return undefined;
}
