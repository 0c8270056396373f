import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { flattenSnapshots } from '../inventory/snapshot-tree.js';
import { endpointArg } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** One snapshot in tool output. */
export const SnapshotOutput = z.object({
  name: z.string().describe('Snapshot name'),
  moref: z.string().describe('Snapshot moref, e.g. snapshot-78'),
  description: z.string().optional().describe('Description given at creation'),
  createTime: z.string().optional().describe('When it was taken'),
  state: z.string().optional().describe('VM power state when it was taken'),
  quiesced: z.boolean().optional().describe('Whether the guest file system was quiesced'),
  parent: z.string().optional().describe('Moref of the parent snapshot; absent for a root'),
  depth: z.number().int().describe('0 for a root snapshot, 1 for its children, …'),
  current: z.boolean().describe('True for the snapshot the VM currently runs from'),
});

/** `vsphere_list_snapshots`: a VM's snapshot tree. */
export function registerListSnapshotsTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_snapshots',
    title: 'List snapshots of a VM',
    description: "A VM's snapshot tree, flattened parents first, with the current snapshot marked.",
    inputSchema: { endpoint: endpointArg, vm: z.string().min(1).max(256).describe('VM name (exact) or moref such as vm-63') },
    outputSchema: { vm: z.string().describe('VM name'), snapshots: z.array(SnapshotOutput).describe('Snapshots, parents before children'), total: z.number().int().describe('Number of snapshots') },
    annotations: READ_ONLY,
    run: async ({ endpoint, vm }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const target = await findEntity(client, 'VirtualMachine', vm, 'VM');
      const [o] = await client.retrieveObjects([target.ref], ['snapshot']);
      const snapshots = flattenSnapshots(o?.props['snapshot']);
      const lines = snapshots.map((s) => `${'  '.repeat(s.depth)}${s.name} (${s.moref})${s.current ? ' [current]' : ''}`);
      return toolResult([`${snapshots.length} snapshot(s) of ${target.name}`, ...lines].join('\n'), { vm: target.name, snapshots, total: snapshots.length });
    },
  });
}
