import { z } from 'zod';
import { asArray, isMoRef, propertyText, type ManagedObjectRef } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { DATASTORE_PATHS, DatastoreOutput, toDatastoreRow } from '../inventory/datastore-rows.js';
import { findEntity } from '../inventory/find-entity.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { endpointArg } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** At most this many VM names are listed; vmCount always has the full number. */
const MAX_VM_NAMES = 500;

/** `vsphere_get_datastore`: one datastore with the hosts that mount it and its VMs. */
export function registerGetDatastoreTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_get_datastore',
    title: 'Get a datastore',
    description: 'One datastore by name or moref: type, capacity, free, used percent, accessibility, the hosts that mount it and its VMs.',
    inputSchema: { endpoint: endpointArg, datastore: z.string().min(1).max(256).describe('Datastore name (exact) or moref') },
    outputSchema: {
      ...DatastoreOutput.shape,
      hosts: z.array(z.string()).describe('Hosts that mount it'),
      vms: z.array(z.string()).describe(`Names of VMs with files on it (first ${MAX_VM_NAMES})`),
    },
    annotations: READ_ONLY,
    run: async ({ endpoint, datastore }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const { ref } = await findEntity(client, 'Datastore', datastore, 'datastore');
      const [[o], index] = await Promise.all([client.retrieveObjects([ref], DATASTORE_PATHS), InventoryIndex.load(client)]);
      if (!o) throw new VsphereToolError(`datastore ${datastore} disappeared while it was being read; list the datastores again`);
      // host is DatastoreHostMount[]: the MoRef sits in each mount's `key`.
      const hosts = asArray(o.props['host'])
        .flatMap((m) => {
          const key = m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>)['key'] : undefined;
          return isMoRef(key) ? [index.nameOf(key)!] : [];
        })
        .sort();
      const vmRefs = asArray(o.props['vm']).filter(isMoRef).slice(0, MAX_VM_NAMES) as ManagedObjectRef[];
      const vms = (await client.retrieveObjects(vmRefs, ['name'])).map((v) => propertyText(v.props['name']) ?? v.ref.value).sort();
      const row = toDatastoreRow(o, index);
      return toolResult(`${row.name} (${row.moref}) ${row.type ?? '?'}, ${row.freeGB ?? '?'} of ${row.capacityGB ?? '?'} GB free, ${hosts.length} hosts, ${row.vmCount} VMs`, { ...row, hosts, vms });
    },
  });
}
