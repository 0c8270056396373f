import { z } from 'zod';
import { asArray, isMoRef, propertyScalar, type PropertyValue } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { listWindow } from '../inventory/list-window.js';
import { nameMatcher, sameName } from '../inventory/name-matcher.js';
import { compact, cursorArg, endpointArg, limitArg, num, pageOutput, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const Allocation = z.object({
  reservation: z.number().optional().describe('Guaranteed amount (MHz for CPU, MB for memory)'),
  limit: z.number().optional().describe('Upper bound; -1 means unlimited'),
  expandableReservation: z.boolean().optional().describe('May borrow unreserved capacity from its parent'),
  shares: z.string().optional().describe('Share level (low, normal, high, custom) and count'),
});

const PoolOutput = z.object({
  name: z.string().describe('Resource pool name ("Resources" is the hidden root pool of a cluster or host)'),
  moref: z.string().describe('Managed object id, e.g. resgroup-22'),
  type: z.string().describe('ResourcePool or VirtualApp'),
  parentPool: z.string().optional().describe('Name of the parent pool; absent for a root pool'),
  owner: z.string().optional().describe('Cluster or standalone host the pool belongs to'),
  datacenter: z.string().optional().describe('Datacenter'),
  vmCount: z.number().describe('VMs directly in this pool'),
  childPools: z.number().describe('Pools directly below this one'),
  overallStatus: z.string().optional().describe('green, yellow, red or gray'),
  cpu: Allocation.optional().describe('CPU allocation, MHz'),
  memory: Allocation.optional().describe('Memory allocation, MB'),
  cpuUsageMhz: z.number().optional().describe('CPU used by its VMs now, MHz'),
  memoryUsageMB: z.number().optional().describe('Guest memory in use by its VMs now, MB'),
});

type Obj = Record<string, PropertyValue>;
const obj = (v: PropertyValue | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) && !isMoRef(v) ? (v as Obj) : undefined);

function allocation(v: PropertyValue | undefined): z.infer<typeof Allocation> | undefined {
  const a = obj(v);
  if (!a) return undefined;
  const shares = obj(a['shares']);
  const level = str(shares?.['level']);
  return compact({
    reservation: num(a['reservation']),
    limit: num(a['limit']),
    expandableReservation: a['expandableReservation'] === undefined ? undefined : String(propertyScalar(a['expandableReservation'])) === 'true',
    shares: level === undefined ? undefined : `${level} (${num(shares?.['shares']) ?? '?'})`,
  });
}

const PATHS = ['name', 'parent', 'owner', 'vm', 'resourcePool', 'overallStatus', 'config.cpuAllocation', 'config.memoryAllocation', 'summary.quickStats.overallCpuUsage', 'summary.quickStats.guestMemoryUsage'];

/** `vsphere_list_resource_pools`: resource pools and vApps with allocation and usage (issue 16). */
export function registerListResourcePoolsTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_resource_pools',
    title: 'List resource pools',
    description: 'List resource pools (and vApps) with their parent pool, owning cluster or host, VM count, CPU and memory reservation/limit/shares and current usage.',
    inputSchema: {
      endpoint: endpointArg,
      name: z.string().max(256).optional().describe('Name filter: substring, or a glob with * and ?; case-insensitive'),
      owner: z.string().max(256).optional().describe('Only pools of the cluster or standalone host with this name'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { pools: z.array(PoolOutput).describe('This page of pools, sorted by name'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.clients.forEndpoint(args.endpoint, extra.signal);
      const index = await InventoryIndex.load(client);
      const matchName = nameMatcher(args.name);
      const names = new Map<string, string>();
      const objects: { ref: { type: string; value: string }; props: Obj }[] = [];
      for await (const page of client.retrievePages({ type: 'ResourcePool', paths: PATHS })) {
        for (const o of page) {
          names.set(o.ref.value, str(o.props['name']) ?? o.ref.value);
          objects.push({ ref: o.ref, props: o.props as Obj });
        }
      }
      const rows = objects.map(({ ref, props: p }) => {
        const parent = p['parent'];
        const owner = p['owner'];
        return compact({
          name: names.get(ref.value)!,
          moref: ref.value,
          type: ref.type,
          parentPool: isMoRef(parent) && names.has(parent.value) ? names.get(parent.value) : undefined,
          owner: isMoRef(owner) ? index.nameOf(owner) : undefined,
          datacenter: index.datacenterOf(isMoRef(owner) ? owner : undefined),
          vmCount: asArray(p['vm']).length,
          childPools: asArray(p['resourcePool']).length,
          overallStatus: str(p['overallStatus']),
          cpu: allocation(p['config.cpuAllocation']),
          memory: allocation(p['config.memoryAllocation']),
          cpuUsageMhz: num(p['summary.quickStats.overallCpuUsage']),
          memoryUsageMB: num(p['summary.quickStats.guestMemoryUsage']),
        });
      }).filter((r) => matchName(r.name) && (!args.owner || sameName(r.owner, args.owner)));
      const { endpoint, limit, cursor, ...filters } = args;
      const page = listWindow(rows, { kind: 'pools', endpoint, filters }, limit, cursor);
      return toolResult(`${page.items.length} of ${page.total} resource pools`, { pools: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  });
}
