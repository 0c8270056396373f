import { z } from 'zod';
import type { ManagedObjectRef, VsphereClient } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { endpointArg } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const COUNTED = { vms: 'VirtualMachine', hosts: 'HostSystem', clusters: 'ClusterComputeResource', datastores: 'Datastore', networks: 'Network' } as const;

async function countUnder(client: VsphereClient, container: ManagedObjectRef, type: string): Promise<number> {
  let n = 0;
  for await (const page of client.retrievePages({ type, paths: ['name'], container })) n += page.length;
  return n;
}

/** `vsphere_get_datacenter`: one datacenter with what it contains. */
export function registerGetDatacenterTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_get_datacenter',
    title: 'Get a datacenter',
    description: 'One datacenter by name or moref, with counts of its VMs, hosts, clusters, datastores and networks.',
    inputSchema: { endpoint: endpointArg, datacenter: z.string().min(1).max(256).describe('Datacenter name (exact) or moref such as datacenter-2') },
    outputSchema: {
      name: z.string().describe('Datacenter name'),
      moref: z.string().describe('Managed object id'),
      vms: z.number().int().describe('VMs in it'),
      hosts: z.number().int().describe('ESXi hosts in it'),
      clusters: z.number().int().describe('Clusters in it'),
      datastores: z.number().int().describe('Datastores in it'),
      networks: z.number().int().describe('Networks and port groups in it'),
    },
    annotations: READ_ONLY,
    run: async ({ endpoint, datacenter }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const dc = await findEntity(client, 'Datacenter', datacenter, 'datacenter');
      const entries = await Promise.all(Object.entries(COUNTED).map(async ([key, type]) => [key, await countUnder(client, dc.ref, type)] as const));
      const counts = Object.fromEntries(entries) as Record<keyof typeof COUNTED, number>;
      return toolResult(
        `${dc.name} (${dc.ref.value}): ${counts.vms} VMs, ${counts.hosts} hosts, ${counts.clusters} clusters, ${counts.datastores} datastores, ${counts.networks} networks`,
        { name: dc.name, moref: dc.ref.value, ...counts },
      );
    },
  });
}
