import { ConnectorError } from '../../../connectors/connector-error.js';
import { childElement, type ManagedObjectRef, type XmlElement } from '../../../connectors/vsphere/index.js';

/**
 * The Task MoRef a `…_Task` method returned.
 *
 * @throws ConnectorError CONN_BAD_RESPONSE when the answer holds none.
 */
export function taskRef(response: XmlElement, method: string): ManagedObjectRef {
  const el = childElement(response, 'returnval');
  const type = el?.attributes.find((a) => a.ns === '' && a.local === 'type')?.value;
  if (!el || !type || !el.text) throw new ConnectorError('CONN_BAD_RESPONSE', `vCenter answered ${method} without a task; check the vCenter version`);
  return { type, value: el.text };
}
