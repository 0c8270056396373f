import { z } from 'zod';
import { isMoRef } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import type { RowSnapshots } from '../inventory/row-snapshots.js';
import { listWindow } from '../inventory/list-window.js';
import { nameMatcher, sameName } from '../inventory/name-matcher.js';
import { taggedObjects } from '../inventory/tagged-objects.js';
import { currentVmRows } from '../inventory/current-vm-rows.js';
import { cursorArg, endpointArg, limitArg, pageOutput } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** vSphere power states, as filters and outputs use them. */
export const PowerState = z.enum(['poweredOn', 'poweredOff', 'suspended']);

/** Output row of vsphere_list_vms (also used by other tools that show VMs). */
export const VmRowOutput = z.object({
  name: z.string().describe('VM name'),
  moref: z.string().describe('Managed object id, e.g. vm-63; stable while the VM exists'),
  powerState: z.string().describe('poweredOn, poweredOff or suspended'),
  numCpu: z.number().optional().describe('Virtual CPUs'),
  memoryMB: z.number().optional().describe('Configured memory in MB'),
  guestOs: z.string().optional().describe('Guest OS as reported by VMware Tools, else as configured'),
  ip: z.string().optional().describe('Primary IP address reported by VMware Tools'),
  host: z.string().optional().describe('ESXi host it runs on'),
  cluster: z.string().optional().describe('Cluster of that host'),
  datacenter: z.string().optional().describe('Datacenter'),
  folder: z.string().optional().describe('VM folder it sits in'),
});

/** `vsphere_list_vms`: filtered, paged VM inventory. */
export function registerListVmsTool(tools: Toolkit, deps: { clients: VsphereClients; snapshots: RowSnapshots; onInventoryFallback?: (error: unknown) => void }): void {
  tools.define({
    name: 'vsphere_list_vms',
    title: 'List virtual machines',
    description: 'List VMs with power state, CPU, memory, guest OS, IP and host. Filters combine; page with limit and cursor (later pages reuse the first page\'s reading for up to a minute, so a walk is consistent).',
    inputSchema: {
      endpoint: endpointArg,
      name: z.string().max(256).optional().describe('Name filter: substring, or a glob with * and ? matching the whole name; case-insensitive'),
      powerState: PowerState.optional().describe('Only VMs in this power state'),
      host: z.string().max(256).optional().describe('Only VMs on the ESXi host with this name'),
      cluster: z.string().max(256).optional().describe('Only VMs on hosts of the cluster with this name'),
      datacenter: z.string().max(256).optional().describe('Only VMs in the datacenter with this name'),
      folder: z.string().max(256).optional().describe('Only VMs in the folder with this name, at any depth'),
      tag: z.string().min(1).max(256).optional().describe('Only VMs carrying this vSphere tag: "name", or "category/name" when names repeat (vsphere_list_tags lists them)'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { vms: z.array(VmRowOutput).describe('This page of VMs, sorted by name'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const { endpoint, limit, cursor, ...filters } = args;
      const rows = await deps.snapshots.rows(JSON.stringify(['vms', endpoint ?? '', filters]), cursor !== undefined, async () => {
        const inventory = await deps.clients.inventory(endpoint, extra.signal);
        // Tags live in vAPI REST, not vim25: resolve the tag to its VMs first (issue 16).
        const tagged = filters.tag === undefined ? undefined : await (await deps.clients.vapi(endpoint, extra.signal)).batch((vapi) => taggedObjects(vapi, filters.tag!, 'VirtualMachine'), extra.signal);
        const matchName = nameMatcher(filters.name);
        // The VMs and the index as vCenter has them now: the kept inventory brought up to date
        // (issue 17), or a full read when that fails.
        return currentVmRows(inventory, (row, o, index) => {
          if (!matchName(row.name)) return false;
          if (tagged && !tagged.has(row.moref)) return false;
          if (filters.powerState && row.powerState !== filters.powerState) return false;
          if (filters.host && !sameName(row.host, filters.host)) return false;
          if (filters.cluster && !sameName(row.cluster, filters.cluster)) return false;
          if (filters.datacenter && !sameName(row.datacenter, filters.datacenter)) return false;
          const parent = o.props['parent'];
          if (filters.folder && !index.foldersOf(isMoRef(parent) ? parent : undefined).some((f) => sameName(f, filters.folder))) return false;
          return true;
        }, deps.onInventoryFallback);
      });
      const page = listWindow(rows, { kind: 'vms', endpoint, filters }, limit, cursor);
      const lines = page.items.map((v) => `${v.name} (${v.moref}) ${v.powerState}, ${v.numCpu ?? '?'} CPU, ${v.memoryMB ?? '?'} MB${v.ip ? `, ${v.ip}` : ''}${v.host ? ` on ${v.host}` : ''}`);
      const more = page.nextCursor ? `; more with cursor ${page.nextCursor}` : '';
      return toolResult([`${page.items.length} of ${page.total} VMs${more}`, ...lines].join('\n'), { vms: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  });
}
