/**
 * The vSphere connector for the MCP server: a vim25 SOAP client over a verified
 * keep-alive dispatcher (issue 5). Login and logout live in `session/`, the only part
 * platform may import.
 */
export { VsphereClient, type VsphereClientOptions, type VsphereSessionSource, type RetrievePagesSpec, type InvokeOptions } from './client/vsphere-client.js';
export type { ObjectContent } from './client/object-content.js';
export { PropertyCollectorFeed, type PropertyCollectorFeedSpec, type PropertyCollectorFeedFilter } from './client/property-collector-feed.js';
export type { ObjectUpdate, PropertyChange } from './client/update-set-reader.js';
export { parsePropertyValue, asArray, isMoRef, propertyScalar, propertyText, type PropertyValue } from './client/property-value.js';
export type { WaitForTaskOptions } from './client/wait-for-task.js';
export { listAllVmsOneShot, type OneShotVm, type ListAllVmsOptions } from './list-all-vms.js';
export { VsphereFaultError, isVsphereFault } from './soap/vsphere-fault-error.js';
export { ConnectorError, isConnectorError } from '../connector-error.js';
export { vsphereLogin, vsphereLogout } from './session/index.js';
export { vsphereCurrentSession, vsphereSessionIsActive, type VsphereUserSession } from './client/vsphere-current-session.js';
export type { ServiceContent } from './soap/retrieve-service-content.js';
export type { ManagedObjectRef } from './soap/managed-object-ref.js';
export { moRefElement, xmlElement, escapeXml } from './soap/soap-envelope.js';
export { childElement, childElements, childText, type XmlElement } from './soap/soap-xml.js';
export { createUpstreamDispatcher } from '../tls/index.js';
