import { z } from 'zod';
import type { VsphereClients } from '../endpoint-clients.js';
import { listWindow } from '../inventory/list-window.js';
import { nameMatcher } from '../inventory/name-matcher.js';
import { cursorArg, endpointArg, limitArg, pageOutput, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** One datacenter in list output. */
export const DatacenterOutput = z.object({
  name: z.string().describe('Datacenter name'),
  moref: z.string().describe('Managed object id, e.g. datacenter-2'),
});

/** `vsphere_list_datacenters`. */
export function registerListDatacentersTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_datacenters',
    title: 'List datacenters',
    description: 'List the datacenters of the vCenter.',
    inputSchema: {
      endpoint: endpointArg,
      name: z.string().max(256).optional().describe('Name filter: substring, or a glob with * and ?; case-insensitive'),
      limit: limitArg,
      cursor: cursorArg,
    },
    outputSchema: { datacenters: z.array(DatacenterOutput).describe('This page of datacenters, sorted by name'), ...pageOutput },
    annotations: READ_ONLY,
    run: async (args, extra) => {
      const client = await deps.clients.forEndpoint(args.endpoint, extra.signal);
      const matchName = nameMatcher(args.name);
      const rows: z.infer<typeof DatacenterOutput>[] = [];
      for await (const page of client.retrievePages({ type: 'Datacenter', paths: ['name'] })) {
        for (const o of page) {
          const name = str(o.props['name']) ?? o.ref.value;
          if (matchName(name)) rows.push({ name, moref: o.ref.value });
        }
      }
      const { endpoint, limit, cursor, ...filters } = args;
      const page = listWindow(rows, { kind: 'datacenters', endpoint, filters }, limit, cursor);
      return toolResult(
        [`${page.items.length} of ${page.total} datacenters`, ...page.items.map((d) => `${d.name} (${d.moref})`)].join('\n'),
        { datacenters: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
      );
    },
  });
}
