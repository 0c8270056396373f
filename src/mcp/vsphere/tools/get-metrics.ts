import { z } from 'zod';
import { asArray, childElements, isMoRef, moRefElement, parsePropertyValue, xmlElement, type PropertyValue } from '../../../connectors/vsphere/index.js';
import type { VsphereClients } from '../endpoint-clients.js';
import { findEntity } from '../inventory/find-entity.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { endpointArg, num, str } from './tool-support.js';
import { READ_ONLY, toolResult, type Toolkit } from '../../runtime/toolkit/index.js';

/** The counters offered, by the name the model uses: vSphere counter (group.name.rollup), unit and scale to that unit. */
const METRICS = {
  cpu: { counter: 'cpu.usage.average', unit: 'percent', scale: 0.01 },
  cpuMhz: { counter: 'cpu.usagemhz.average', unit: 'MHz', scale: 1 },
  memory: { counter: 'mem.usage.average', unit: 'percent', scale: 0.01 },
  memoryConsumed: { counter: 'mem.consumed.average', unit: 'MB', scale: 1 / 1024 },
  disk: { counter: 'disk.usage.average', unit: 'KBps', scale: 1 },
  network: { counter: 'net.usage.average', unit: 'KBps', scale: 1 },
} as const;
type MetricName = keyof typeof METRICS;
const MetricName = z.enum(Object.keys(METRICS) as [MetricName, ...MetricName[]]);
/** Real-time statistics are 20 s samples kept for an hour; historical level 1 is 5-minute samples for a day. */
const INTERVALS = { realtime: 20, '5min': 300, '30min': 1800, '2h': 7200 } as const;

const SeriesOutput = z.object({
  metric: z.string().describe('cpu, cpuMhz, memory, memoryConsumed, disk or network'),
  counter: z.string().describe('vSphere counter, e.g. cpu.usage.average'),
  unit: z.string().describe('Unit of the values'),
  min: z.number().optional(), max: z.number().optional(), avg: z.number().optional(), latest: z.number().optional(),
  samples: z.array(z.object({ t: z.string().describe('Sample time'), v: z.number().describe('Value in unit') })).describe('Samples, oldest first'),
});
type Obj = Record<string, PropertyValue>;
const obj = (v: PropertyValue | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) && !isMoRef(v) ? (v as Obj) : undefined);
const round = (x: number): number => Math.round(x * 100) / 100;

/** `vsphere_get_metrics`: CPU, memory, disk and network of a VM or host over an interval (PerformanceManager.QueryPerf, issue 16). */
export function registerGetMetricsTool(tools: Toolkit, deps: { clients: VsphereClients }): void {
  tools.define({
    name: 'vsphere_get_metrics',
    title: 'Get performance metrics',
    description: 'CPU, memory, disk and network of one VM or host over the last minutes, from vCenter\'s performance statistics: per metric min, max, average, latest and the samples. realtime = 20 s samples (last hour); 5min/30min/2h = historical rollups.',
    inputSchema: {
      endpoint: endpointArg,
      entity: z.string().min(1).max(256).describe('VM or host name (exact) or moref'),
      metrics: z.array(MetricName).min(1).max(6).default(['cpu', 'memory', 'disk', 'network']).describe('Which metrics (default cpu, memory, disk, network)'),
      interval: z.enum(['realtime', '5min', '30min', '2h']).default('realtime').describe('Sample interval (default realtime: 20 s)'),
      minutes: z.number().int().min(1).max(7 * 24 * 60).default(30).describe('How far back, in minutes (default 30)'),
      maxSamples: z.number().int().min(1).max(360).default(90).describe('Most samples per metric, newest kept (default 90)'),
    },
    outputSchema: { entity: z.string(), type: z.string().describe('VirtualMachine or HostSystem'), intervalSeconds: z.number(), series: z.array(SeriesOutput) },
    annotations: READ_ONLY,
    run: async ({ endpoint, entity, metrics, interval, minutes, maxSamples }, extra) => {
      const client = await deps.clients.forEndpoint(endpoint, extra.signal);
      const sc = await client.serviceContent();
      if (!sc.perfManager) throw new VsphereToolError('this server has no PerformanceManager; point the endpoint at vCenter or an ESXi host SDK');
      // A VM first, then a host: a standalone host shares its name with its compute resource.
      const target = await findEntity(client, 'VirtualMachine', entity, 'VM').catch(() => findEntity(client, 'HostSystem', entity, 'VM or host'));
      // Counter ids differ between servers: map group.name.rollup to the key from perfCounter.
      const [pm] = await client.retrieveObjects([sc.perfManager], ['perfCounter']);
      const ids = new Map<string, number>();
      for (const c of asArray(pm?.props['perfCounter'])) {
        const info = obj(c);
        const name = `${str(obj(info?.['groupInfo'])?.['key'])}.${str(obj(info?.['nameInfo'])?.['key'])}.${str(info?.['rollupType'])}`;
        const key = num(info?.['key']);
        if (key !== undefined && !ids.has(name)) ids.set(name, key);
      }
      const wanted = [...new Set(metrics)].filter((m) => ids.has(METRICS[m].counter));
      if (wanted.length === 0) throw new VsphereToolError(`this server has none of the counters ${metrics.map((m) => METRICS[m].counter).join(', ')}`);
      const intervalSeconds = INTERVALS[interval];
      const end = new Date();
      const start = new Date(end.getTime() - minutes * 60_000);
      // PerfQuerySpec in WSDL order: entity, startTime, endTime, maxSample, metricId, intervalId, format.
      const spec = moRefElement('entity', target.ref) + xmlElement('startTime', start.toISOString()) + xmlElement('endTime', end.toISOString()) +
        `<maxSample>${Math.min(maxSamples, Math.ceil((minutes * 60) / intervalSeconds))}</maxSample>` +
        wanted.map((m) => `<metricId><counterId>${ids.get(METRICS[m].counter)}</counterId><instance></instance></metricId>`).join('') +
        `<intervalId>${intervalSeconds}</intervalId><format>normal</format>`;
      const response = await client.invoke('QueryPerf', sc.perfManager, `<querySpec>${spec}</querySpec>`, { idempotent: true });
      const result = obj(childElements(response, 'returnval').map((el) => parsePropertyValue(el))[0]);
      const times = asArray(result?.['sampleInfo']).map((s) => str(obj(s)?.['timestamp']) ?? '');
      const byCounter = new Map<number, number[]>();
      for (const v of asArray(result?.['value'])) {
        const series = obj(v);
        const id = num(obj(series?.['id'])?.['counterId']);
        if (id !== undefined) byCounter.set(id, asArray(series?.['value']).map((x) => num(x) ?? 0));
      }
      const series = wanted.map((m) => {
        const def = METRICS[m];
        const values = (byCounter.get(ids.get(def.counter)!) ?? []).map((x) => round(x * def.scale));
        // Servers differ in sample order; sort by time so "latest" is the newest.
        const samples = values.map((v, i) => ({ t: times[i] ?? '', v })).sort((a, b) => a.t.localeCompare(b.t));
        const stats = values.length === 0 ? {} : {
          min: Math.min(...values), max: Math.max(...values), avg: round(values.reduce((a, b) => a + b, 0) / values.length), latest: samples.at(-1)!.v,
        };
        return { metric: m, counter: def.counter, unit: def.unit, ...stats, samples };
      });
      const line = series.map((s) => `${s.metric} avg ${s.avg ?? '?'} max ${s.max ?? '?'} ${s.unit}`).join('; ');
      return toolResult(`${target.name} over the last ${minutes} min: ${line}`, { entity: target.name, type: target.ref.type, intervalSeconds, series });
    },
  });
}
