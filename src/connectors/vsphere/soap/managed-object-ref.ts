import { attributeValue, type XmlElement } from './soap-xml.js';

/** A vim25 managed object reference, e.g. `{ type: 'SessionManager', value: 'SessionManager' }`. */
export interface ManagedObjectRef {
  readonly type: string;
  readonly value: string;
}

/** The ServiceInstance root: the one MoRef that is the same on every vCenter and ESX. */
export const SERVICE_INSTANCE: ManagedObjectRef = { type: 'ServiceInstance', value: 'ServiceInstance' };

/**
 * Reads `<x type="T">value</x>`. The `type` attribute is the unqualified one: a value
 * element may also carry `xsi:type="ManagedObjectReference"`, which is a different attribute.
 */
export function parseMoRef(element: XmlElement | undefined): ManagedObjectRef | undefined {
  const type = element && attributeValue(element, '', 'type');
  return element && type && element.text ? { type, value: element.text } : undefined;
}
