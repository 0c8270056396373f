import { z } from 'zod';
import { asArray, isMoRef, propertyScalar, type PropertyValue } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { InventoryIndex } from '../inventory/inventory-index.js';
import { listWindow } from '../inventory/list-window.js';
import { nameMatcher, sameName } from '../inventory/name-matcher.js';
import { compact, cursorArg, endpointArg, limitArg, num, pageOutput, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const ClusterOutput = z.object({
  name: z.string().describe('Cluster name'),
  moref: z.string().describe('Managed object id, e.g. domain-c29'),
  datacenter: z.string().optional().describe('Datacenter'),
  hosts: z.array(z.string()).describe('Names of its hosts'),
  numHosts: z.number().optional().describe('Hosts in the cluster'),
  numEffectiveHosts: z.number().optional().describe('Hosts available to run VMs'),
  drsEnabled: z.boolean().optional().describe('DRS on'),
  haEnabled: z.boolean().optional().describe('vSphere HA on'),
  totalCpuMhz: z.number().optional().describe('Total CPU, MHz'),
  totalMemoryMB: z.number().optional().describe('Total memory, MB'),
  effectiveCpuMhz: z.number().optional().describe('CPU available to VMs, MHz'),
  effectiveMemoryMB: z.number().optional().describe('Memory available to VMs, MB'),
});

// configurationEx is read whole: drsConfig and dasConfig live on the ClusterConfigInfoEx
// subtype, and real vCenter refuses paths into subtypes of a property's declared type.
const PATHS = ['name', 'host', 'parent', 'summary.numHosts', 'summary.numEffectiveHosts', 'summary.totalCpu', 'summary.totalMemory', 'summary.effectiveCpu', 'summary.effectiveMemory', 'configurationEx'];

const flag = (v: PropertyValue | undefined): boolean | undefined => (v === undefined ? undefined : String(propertyScalar(v)) === 'true');
const field = (v: PropertyValue | undefined, name: string): PropertyValue | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, PropertyValue>)[name] : undefined);

/** `vsphere_list_clusters`: clusters with hosts, DRS/HA flags and totals. */
export function registerListClustersTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_clusters',
    title: 'List clusters',
    description: 'List clusters with their hosts, DRS and HA flags, and CPU and memory totals.',
    inputSchema: {
      endpoint: endpointArg,
      name: z.string().max(256).optional().describe('Name filter: substring, or a glob with * and ?; case-insensitive'),
      datacenter: z.string().max(256).optional().describe('Only clusters in the datacenter with this name'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { clusters: z.array(ClusterOutput).describe('This page of clusters, sorted by name'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.clients.forEndpoint(args.endpoint, extra.signal);
      const index = await InventoryIndex.load(client);
      const matchName = nameMatcher(args.name);
      const rows: z.infer<typeof ClusterOutput>[] = [];
      for await (const page of client.retrievePages({ type: 'ClusterComputeResource', paths: PATHS })) {
        for (const o of page) {
          const p = o.props;
          const cfg = p['configurationEx'];
          const memBytes = num(p['summary.totalMemory']);
          const row = compact({
            name: str(p['name']) ?? o.ref.value,
            moref: o.ref.value,
            datacenter: index.datacenterOf(o.ref),
            hosts: asArray(p['host']).flatMap((h) => (isMoRef(h) ? [index.nameOf(h)!] : [])).sort(),
            numHosts: num(p['summary.numHosts']),
            numEffectiveHosts: num(p['summary.numEffectiveHosts']),
            drsEnabled: flag(field(field(cfg, 'drsConfig'), 'enabled')),
            haEnabled: flag(field(field(cfg, 'dasConfig'), 'enabled')),
            totalCpuMhz: num(p['summary.totalCpu']),
            totalMemoryMB: memBytes === undefined ? undefined : Math.round(memBytes / (1024 * 1024)),
            effectiveCpuMhz: num(p['summary.effectiveCpu']),
            effectiveMemoryMB: num(p['summary.effectiveMemory']),
          });
          if (matchName(row.name) && (!args.datacenter || sameName(row.datacenter, args.datacenter))) rows.push(row);
        }
      }
      const { endpoint, limit, cursor, ...filters } = args;
      const page = listWindow(rows, { kind: 'clusters', endpoint, filters }, limit, cursor);
      const lines = page.items.map((c) => `${c.name} (${c.moref}) ${c.hosts.length} hosts, DRS ${c.drsEnabled ? 'on' : 'off'}, HA ${c.haEnabled ? 'on' : 'off'}`);
      return toolResult([`${page.items.length} of ${page.total} clusters`, ...lines].join('\n'), { clusters: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    },
  });
}
