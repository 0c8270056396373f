import { z } from 'zod';
import { asArray, isMoRef, propertyScalar, propertyText, type PropertyValue, type VsphereClient } from '../../../connectors/vsphere/index.js';
import { compact, str } from '../tools/tool-support.js';
import type { InventoryIndex } from './inventory-index.js';

/** One network or port group in tool output. */
export const NetworkOutput = z.object({
  name: z.string().describe('Network or port group name'),
  moref: z.string().describe('Managed object id'),
  kind: z.enum(['standard', 'distributed', 'opaque']).describe('Standard port group, distributed port group or opaque (NSX) network'),
  vlan: z.string().optional().describe('VLAN id, "trunk a-b,…", "pvlan n", or several ids when hosts differ; absent when unknown'),
  switch: z.string().optional().describe('Distributed switch of a distributed port group'),
  accessible: z.boolean().optional().describe('Whether it is reachable'),
  datacenter: z.string().optional().describe('Datacenter'),
  hostCount: z.number().int().describe('Hosts connected to it'),
  vmCount: z.number().int().describe('VMs connected to it'),
});
export type NetworkRow = z.infer<typeof NetworkOutput>;

type Obj = Record<string, PropertyValue>;
const obj = (v: PropertyValue | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) && !isMoRef(v) ? v : undefined);

/** VLAN of a distributed port group's default port config (VLAN id, trunk ranges or PVLAN). */
function dvpgVlan(defaultPortConfig: PropertyValue | undefined): string | undefined {
  const vlan = obj(obj(defaultPortConfig)?.['vlan']);
  if (!vlan) return undefined;
  const pvlan = propertyScalar(vlan['pvlanId']);
  if (pvlan !== undefined) return `pvlan ${pvlan}`;
  const id = vlan['vlanId'];
  const ranges = asArray(id).map(obj).filter((r): r is Obj => r !== undefined);
  if (ranges.length > 0) return `trunk ${ranges.map((r) => `${String(propertyScalar(r['start']))}-${String(propertyScalar(r['end']))}`).join(',')}`;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * Every network with its kind and VLAN where known: distributed port groups carry their
 * VLAN in `config.defaultPortConfig`; standard port groups only in each host's
 * `config.network.portgroup`, so those are read from the hosts and joined by name.
 */
export async function loadNetworkRows(client: VsphereClient, index: InventoryIndex): Promise<NetworkRow[]> {
  const standardVlans = new Map<string, Set<string>>();
  for await (const page of client.retrievePages({ type: 'HostSystem', paths: ['config.network.portgroup'] })) {
    for (const h of page) {
      for (const pg of asArray(h.props['config.network.portgroup']).map(obj)) {
        const spec = obj(pg?.['spec']);
        const name = str(spec?.['name']);
        const vlanId = propertyScalar(spec?.['vlanId']);
        if (name === undefined || vlanId === undefined) continue;
        const set = standardVlans.get(name) ?? new Set<string>();
        set.add(String(vlanId));
        standardVlans.set(name, set);
      }
    }
  }
  const switches = new Map<string, string>();
  for await (const page of client.retrievePages({ type: 'DistributedVirtualSwitch', paths: ['name'] })) for (const s of page) switches.set(s.ref.value, propertyText(s.props['name']) ?? s.ref.value);
  const dvpg = new Map<string, { vlan?: string; switch?: string }>();
  for await (const page of client.retrievePages({ type: 'DistributedVirtualPortgroup', paths: ['config.defaultPortConfig', 'config.distributedVirtualSwitch'] })) {
    for (const d of page) {
      const sw = d.props['config.distributedVirtualSwitch'];
      dvpg.set(d.ref.value, { vlan: dvpgVlan(d.props['config.defaultPortConfig']), switch: isMoRef(sw) ? switches.get(sw.value) ?? sw.value : undefined });
    }
  }
  const rows: NetworkRow[] = [];
  for await (const page of client.retrievePages({ type: 'Network', paths: ['name', 'summary.accessible', 'host', 'vm'] })) {
    for (const o of page) {
      const name = str(o.props['name']) ?? o.ref.value;
      const kind = o.ref.type === 'DistributedVirtualPortgroup' ? 'distributed' : o.ref.type === 'OpaqueNetwork' ? 'opaque' : 'standard';
      const std = standardVlans.get(name);
      rows.push(
        compact({
          name,
          moref: o.ref.value,
          kind,
          vlan: kind === 'distributed' ? dvpg.get(o.ref.value)?.vlan : std ? [...std].sort().join(',') : undefined,
          switch: dvpg.get(o.ref.value)?.switch,
          accessible: typeof o.props['summary.accessible'] === 'boolean' ? o.props['summary.accessible'] : undefined,
          datacenter: index.datacenterOf(o.ref),
          hostCount: asArray(o.props['host']).length,
          vmCount: asArray(o.props['vm']).length,
        }),
      );
    }
  }
  return rows;
}
