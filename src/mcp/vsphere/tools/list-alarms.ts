import { z } from 'zod';
import { asArray, isMoRef, propertyScalar, type ManagedObjectRef, type PropertyValue } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { compact, endpointArg, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const AlarmOutput = z.object({
  alarm: z.string().describe('Alarm name, e.g. "Host CPU usage"'),
  alarmMoref: z.string().describe('Managed object id of the alarm definition'),
  entity: z.string().describe('Name of the object the alarm fired on'),
  entityMoref: z.string().describe('Managed object id of that object'),
  entityType: z.string().describe('VirtualMachine, HostSystem, Datastore ...'),
  status: z.string().describe('red (alert) or yellow (warning); gray/green when it cleared but is still listed'),
  time: z.string().optional().describe('When it fired'),
  acknowledged: z.boolean().describe('A user acknowledged it'),
  acknowledgedBy: z.string().optional().describe('Who acknowledged it'),
  description: z.string().optional().describe('What the alarm watches'),
});
type Obj = Record<string, PropertyValue>;
const obj = (v: PropertyValue | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) && !isMoRef(v) ? (v as Obj) : undefined);
// A Map, not an object: the status is vCenter's text, and `constructor` must not find a function.
const SEVERITY = new Map([
  ['red', 0],
  ['yellow', 1],
  ['gray', 2],
  ['green', 3],
]);

/** Sort rank of an alarm status, worst first; any other text after the four; exported for its test. */
export function severityRank(status: string): number {
  return SEVERITY.get(status) ?? 9;
}

/** `vsphere_list_alarms`: triggered alarms (`triggeredAlarmState`) on an object and below it (issue 16). */
export function registerListAlarmsTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_alarms',
    title: 'List triggered alarms',
    description: 'List the alarms that are triggered now, on the whole inventory or on one object and everything below it: alarm name, object, red/yellow status, time and acknowledgement. Worst first.',
    inputSchema: {
      endpoint: endpointArg,
      entity: z.string().min(1).max(256).optional().describe('Name (exact) or moref of a VM, host, cluster, datastore, folder or datacenter; default the whole inventory'),
      status: z.enum(['red', 'yellow']).optional().describe('Only alarms in this state'),
      includeAcknowledged: z.boolean().default(true).describe('Include alarms a user has acknowledged (default true)'),
    },
    outputSchema: { alarms: z.array(AlarmOutput).describe('Triggered alarms, red first, then newest first'), total: z.number().int().describe('How many') },
    annotations: READ_ONLY,
    run: async ({ endpoint, entity, status, includeAcknowledged }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const sc = await client.serviceContent();
      const root = entity === undefined ? sc.rootFolder : (await findEntity(client, 'ManagedEntity', entity, 'entity')).ref;
      if (!root) throw new VsphereToolError('this server has no inventory root; point the endpoint at vCenter or an ESXi host SDK');
      // An entity's triggeredAlarmState covers alarms on it and on its descendants.
      const [holder] = await client.retrieveObjects([root], ['triggeredAlarmState']);
      const states = asArray(holder?.props['triggeredAlarmState']).map((s) => obj(s)).filter((s): s is Obj => s !== undefined);
      const refsOf = (field: string) => {
        const seen = new Map<string, ManagedObjectRef>();
        for (const s of states) { const r = s[field]; if (isMoRef(r)) seen.set(r.value, r); }
        return [...seen.values()];
      };
      const [alarms, entities] = await Promise.all([client.retrieveObjects(refsOf('alarm'), ['info.name', 'info.description']), client.retrieveObjects(refsOf('entity'), ['name'])]);
      const alarmInfo = new Map(alarms.map((a) => [a.ref.value, { name: str(a.props['info.name']), description: str(a.props['info.description']) }]));
      const entityName = new Map(entities.map((e) => [e.ref.value, str(e.props['name'])]));
      const rows = states.flatMap((s) => {
        const alarm = s['alarm'];
        const target = s['entity'];
        if (!isMoRef(alarm) || !isMoRef(target)) return [];
        const info = alarmInfo.get(alarm.value);
        return [compact({
          alarm: info?.name ?? alarm.value,
          alarmMoref: alarm.value,
          entity: entityName.get(target.value) ?? target.value,
          entityMoref: target.value,
          entityType: target.type,
          status: str(s['overallStatus']) ?? 'gray',
          time: str(s['time']),
          acknowledged: String(propertyScalar(s['acknowledged'])) === 'true',
          acknowledgedBy: str(s['acknowledgedByUser']),
          description: info?.description || undefined,
        })];
      })
        .filter((a) => (!status || a.status === status) && (includeAcknowledged || !a.acknowledged))
        .sort((a, b) => severityRank(a.status) - severityRank(b.status) || (b.time ?? '').localeCompare(a.time ?? ''));
      return toolResult(`${rows.length} triggered alarm(s)${entity ? ` on ${entity} and below` : ''}`, { alarms: rows, total: rows.length });
    },
  });
}
