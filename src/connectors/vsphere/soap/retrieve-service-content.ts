import type { Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { parseMoRef, SERVICE_INSTANCE, type ManagedObjectRef } from './managed-object-ref.js';
import { soapCall } from './soap-call.js';
import { childElement, childText } from './soap-xml.js';

/**
 * SOAPAction version for the very first call, before the server has told us its own.
 * vCenter and ESX keep accepting older vim25 versions (see /sdk/vimServiceVersions.xml),
 * and 6.5 is what vcsim reports.
 */
export const BOOTSTRAP_API_VERSION = '6.5';

/** `ServiceContent.about`: what the server is. */
export interface AboutInfo {
  readonly name: string;
  readonly fullName: string;
  /** `VirtualCenter` or `HostAgent`. */
  readonly apiType: string;
  readonly apiVersion: string;
  readonly version: string;
  readonly build: string;
  readonly instanceUuid: string | undefined;
}

/** The parts of ServiceContent that login, logout and the session probe need. */
export interface ServiceContent {
  readonly sessionManager: ManagedObjectRef;
  readonly propertyCollector: ManagedObjectRef;
  /** Inventory root and managers the VsphereClient needs; absent on servers that lack them. */
  readonly rootFolder?: ManagedObjectRef;
  readonly viewManager?: ManagedObjectRef;
  readonly eventManager?: ManagedObjectRef;
  readonly searchIndex?: ManagedObjectRef;
  /** Recent tasks, alarms and performance counters (issue 16's read tools). */
  readonly taskManager?: ManagedObjectRef;
  readonly alarmManager?: ManagedObjectRef;
  readonly perfManager?: ManagedObjectRef;
  /** Use for the SOAPAction of every later call. */
  readonly apiVersion: string;
  readonly about: AboutInfo;
}

/**
 * Calls `RetrieveServiceContent`, which needs no session. MoRefs are read from the
 * answer, never hard-coded, because real vCenter and vcsim differ (reference §2).
 *
 * @throws ConnectorError CONN_BAD_RESPONSE when the answer lacks the session manager,
 * property collector or API version; transport codes from the dispatcher.
 */
export async function retrieveServiceContent(
  url: string,
  dispatcher: Dispatcher,
  options: { apiVersion?: string; signal?: AbortSignal } = {},
): Promise<ServiceContent> {
  const { response } = await soapCall({
    url,
    dispatcher,
    apiVersion: options.apiVersion ?? BOOTSTRAP_API_VERSION,
    method: 'RetrieveServiceContent',
    thisRef: SERVICE_INSTANCE,
    signal: options.signal,
  });
  const content = childElement(response, 'returnval');
  const aboutElement = content && childElement(content, 'about');
  const sessionManager = parseMoRef(content && childElement(content, 'sessionManager'));
  const propertyCollector = parseMoRef(content && childElement(content, 'propertyCollector'));
  const apiVersion = aboutElement && childText(aboutElement, 'apiVersion');
  if (!aboutElement || !sessionManager || !propertyCollector || !apiVersion) {
    throw new ConnectorError('CONN_BAD_RESPONSE', `${new URL(url).origin} sent a ServiceContent without session manager or API version; check that the URL is a vCenter or ESX SDK`);
  }
  const text = (name: string): string => childText(aboutElement, name) ?? '';
  const about: AboutInfo = {
    name: text('name'),
    fullName: text('fullName'),
    apiType: text('apiType'),
    apiVersion,
    version: text('version'),
    build: text('build'),
    instanceUuid: childText(aboutElement, 'instanceUuid'),
  };
  const ref = (name: string): ManagedObjectRef | undefined => parseMoRef(content && childElement(content, name));
  return {
    sessionManager,
    propertyCollector,
    rootFolder: ref('rootFolder'),
    viewManager: ref('viewManager'),
    eventManager: ref('eventManager'),
    searchIndex: ref('searchIndex'),
    taskManager: ref('taskManager'),
    alarmManager: ref('alarmManager'),
    perfManager: ref('perfManager'),
    apiVersion,
    about,
  };
}
