import { z } from 'zod';
import { asArray, isMoRef, propertyScalar, type ManagedObjectRef, type PropertyValue } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { sameName } from '../inventory/name-matcher.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { compact, endpointArg, num, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

const TaskOutput = z.object({
  moref: z.string().describe('Task id, e.g. task-123'),
  operation: z.string().optional().describe('What it does, e.g. VirtualMachine.powerOff'),
  entity: z.string().optional().describe('Name of the object it works on'),
  entityMoref: z.string().optional().describe('Managed object id of that object'),
  state: z.string().describe('queued, running, success or error'),
  progress: z.number().optional().describe('Percent done while running'),
  user: z.string().optional().describe('Who started it'),
  queueTime: z.string().optional().describe('When it was queued'),
  startTime: z.string().optional().describe('When it started'),
  completeTime: z.string().optional().describe('When it ended'),
  error: z.string().optional().describe('The fault message when it failed'),
  cancelled: z.boolean().optional().describe('Cancelled by a user'),
});
type TaskRow = z.infer<typeof TaskOutput>;
type Obj = Record<string, PropertyValue>;
const obj = (v: PropertyValue | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) && !isMoRef(v) ? (v as Obj) : undefined);

/** `vsphere_list_tasks`: vCenter's recent tasks (TaskManager.recentTask), newest first (issue 16). */
export function registerListTasksTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_list_tasks',
    title: 'List recent tasks',
    description: 'List vCenter\'s recent tasks (the Recent Tasks pane: about the last 10 minutes, and every task still running), newest first, with operation, target, state, progress, user, times and the error of a failed task.',
    inputSchema: {
      endpoint: endpointArg,
      state: z.enum(['queued', 'running', 'success', 'error']).optional().describe('Only tasks in this state'),
      entity: z.string().max(256).optional().describe('Only tasks on the object with this name (exact, case-insensitive) or moref'),
      maxCount: z.number().int().min(1).max(500).default(50).describe('Most tasks to return (1-500, default 50)'),
    },
    outputSchema: { tasks: z.array(TaskOutput).describe('Tasks, newest first'), total: z.number().int().describe('Tasks matching the filters before maxCount') },
    annotations: READ_ONLY,
    run: async ({ endpoint, state, entity, maxCount }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const sc = await client.serviceContent();
      if (!sc.taskManager) throw new VsphereToolError('this server has no TaskManager; point the endpoint at vCenter or an ESXi host SDK');
      const [manager] = await client.retrieveObjects([sc.taskManager], ['recentTask'], { signal: undefined });
      const refs = asArray(manager?.props['recentTask']).filter((r): r is ManagedObjectRef => isMoRef(r));
      const rows: TaskRow[] = [];
      const infos = await client.retrieveObjects(refs, ['info']);
      // Names from the objects themselves: vcsim puts the moref into info.entityName.
      const targets = new Map<string, ManagedObjectRef>();
      for (const o of infos) { const t = obj(o.props['info'])?.['entity']; if (isMoRef(t)) targets.set(t.value, t); }
      const names = new Map((await client.retrieveObjects([...targets.values()], ['name'])).map((o) => [o.ref.value, str(o.props['name'])]));
      for (const o of infos) {
        const info = obj(o.props['info']);
        if (!info) continue;
        const target = info['entity'];
        const error = obj(info['error']);
        const reason = obj(info['reason']);
        rows.push(compact({
          moref: o.ref.value,
          operation: str(info['descriptionId']) ?? str(info['name']),
          entity: (isMoRef(target) ? names.get(target.value) : undefined) ?? str(info['entityName']),
          entityMoref: isMoRef(target) ? target.value : undefined,
          state: str(info['state']) ?? 'unknown',
          progress: num(info['progress']),
          user: str(reason?.['userName']),
          queueTime: str(info['queueTime']),
          startTime: str(info['startTime']),
          completeTime: str(info['completeTime']),
          error: str(error?.['localizedMessage']) ?? str(obj(error?.['fault'])?.['_type']),
          cancelled: info['cancelled'] === undefined ? undefined : String(propertyScalar(info['cancelled'])) === 'true',
        }));
      }
      const matching = rows
        .filter((t) => (!state || t.state === state) && (!entity || sameName(t.entity, entity) || t.entityMoref === entity))
        .sort((a, b) => (b.queueTime ?? '').localeCompare(a.queueTime ?? '') || b.moref.localeCompare(a.moref, undefined, { numeric: true }));
      const tasks = matching.slice(0, maxCount);
      return toolResult(`${tasks.length} of ${matching.length} recent task(s)`, { tasks, total: matching.length });
    },
  });
}
