import { z } from 'zod';
import { childElements, moRefElement, parsePropertyValue, xmlElement, type PropertyValue } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { compact, endpointArg, num, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const EventOutput = z.object({
  key: z.number().optional().describe('Event key, increasing over time'),
  type: z.string().describe('Event type, e.g. VmPoweredOffEvent'),
  createdTime: z.string().optional().describe('When it happened'),
  user: z.string().optional().describe('User who caused it'),
  message: z.string().optional().describe('Full formatted message'),
  vm: z.string().optional().describe('VM involved'),
  host: z.string().optional().describe('Host involved'),
  datacenter: z.string().optional().describe('Datacenter involved'),
});

type Obj = Record<string, PropertyValue>;
const nameIn = (v: PropertyValue | undefined): string | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? str((v as Obj)['name']) : undefined);

/** `vsphere_recent_events`: the latest events, optionally for one entity and since a time. */
export function registerRecentEventsTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_recent_events',
    title: 'Recent events',
    description: 'The most recent vCenter events, newest first, optionally for one VM, host, cluster, folder or datacenter (and what it contains), and since a time.',
    inputSchema: {
      endpoint: endpointArg,
      maxCount: z.number().int().min(1).max(1000).default(20).describe('Most events to return (1-1000, default 20)'),
      entity: z.string().min(1).max(256).optional().describe('Name (exact) or moref of a VM, host, cluster, folder or datacenter; events of what it contains are included'),
      since: z.iso.datetime({ offset: true }).optional().describe('Only events at or after this ISO 8601 time, e.g. 2026-01-31T09:00:00Z'),
    },
    outputSchema: { events: z.array(EventOutput).describe('Events, newest first'), total: z.number().int().describe('Number of events returned') },
    annotations: READ_ONLY,
    run: async ({ endpoint, maxCount, entity, since }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const sc = await client.serviceContent();
      if (!sc.eventManager) throw new VsphereToolError('this server has no EventManager (an ESXi host answers events only through vCenter); point the endpoint at vCenter');
      const target = entity === undefined ? undefined : await findEntity(client, 'ManagedEntity', entity, 'entity');
      // EventFilterSpec in WSDL order: entity, time, …, maxCount (reference §9).
      const filter =
        (target ? `<entity>${moRefElement('entity', target.ref)}<recursion>all</recursion></entity>` : '') +
        (since ? `<time>${xmlElement('beginTime', new Date(since).toISOString())}</time>` : '') +
        `<maxCount>${maxCount}</maxCount>`;
      const response = await client.invoke('QueryEvents', sc.eventManager, `<filter>${filter}</filter>`, { idempotent: true });
      const events = childElements(response, 'returnval')
        .map((el) => parsePropertyValue(el) as Obj)
        .map((e) =>
          compact({
            key: num(e['key']),
            type: str(e['_type']) ?? 'Event',
            createdTime: str(e['createdTime']),
            user: str(e['userName']) || undefined,
            message: str(e['fullFormattedMessage']),
            vm: nameIn(e['vm']),
            host: nameIn(e['host']),
            datacenter: nameIn(e['datacenter']),
          }),
        )
        // Newest first whatever order the server used (vcsim differs with an entity filter).
        .sort((a, b) => (b.key ?? 0) - (a.key ?? 0))
        .slice(0, maxCount);
      const lines = events.map((e) => `${e.createdTime ?? '?'} ${e.type}${e.vm ? ` ${e.vm}` : ''}${e.message ? `: ${e.message}` : ''}`);
      return toolResult([`${events.length} event(s)${target ? ` for ${target.name}` : ''}`, ...lines].join('\n'), { events, total: events.length });
    },
  });
}
