import { asArray, isMoRef, propertyText, type VsphereClient } from '../../../connectors/vsphere/index.js';
import type { PlanDraft } from '../../runtime/plan/tool-planner.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { preconditionValue } from './vm-state.js';
import { findTarget, targetLabel, type Target } from './write-targets.js';

/** Enter or exit maintenance mode. */
export const MAINTENANCE_ACTIONS = ['enter', 'exit'] as const;
export type MaintenanceAction = (typeof MAINTENANCE_ACTIONS)[number];

/** A host and its VMs, as read live for vsphere_host_maintenance. */
export interface HostMaintenanceState {
  readonly host: Target;
  readonly inMaintenance: boolean;
  readonly connection: string;
  /** Every VM on the host with its power state. */
  readonly vms: { readonly name: string; readonly moref: string; readonly powerState: string }[];
  /** The host's precondition values. */
  readonly values: Record<string, string>;
}

const HOST_PATHS = ['runtime.inMaintenanceMode', 'runtime.connectionState', 'vm'];

/** Read a host's maintenance state and the VMs on it. */
export async function readHostMaintenance(client: VsphereClient, host: string): Promise<HostMaintenanceState> {
  const target = await findTarget(client, 'HostSystem', host, 'host', 'host');
  const [o] = await client.retrieveObjects([target.ref], HOST_PATHS);
  if (!o) throw new VsphereToolError(`host ${target.name} disappeared while it was being read; list the hosts again`);
  const refs = asArray(o.props['vm']).filter(isMoRef);
  // No VMs: retrieveObjects answers [] without a round trip.
  const rows = await client.retrieveObjects(refs, ['name', 'runtime.powerState']);
  return {
    host: target,
    inMaintenance: o.props['runtime.inMaintenanceMode'] === true || o.props['runtime.inMaintenanceMode'] === 'true',
    connection: propertyText(o.props['runtime.connectionState']) ?? '',
    vms: rows.map((r) => ({ name: propertyText(r.props['name']) ?? r.ref.value, moref: r.ref.value, powerState: propertyText(r.props['runtime.powerState']) ?? 'unknown' })).sort((a, b) => a.name.localeCompare(b.name)),
    values: Object.fromEntries(HOST_PATHS.map((p) => [p, preconditionValue(p, o.props[p])])),
  };
}

/** The guards of vsphere_host_maintenance: enter a host not in maintenance, exit one that is. */
export function checkMaintenance(s: HostMaintenanceState, action: MaintenanceAction): void {
  if (action === 'enter' && s.inMaintenance) throw new VsphereToolError(`host ${s.host.name} is already in maintenance mode; nothing to do`);
  if (action === 'exit' && !s.inMaintenance) throw new VsphereToolError(`host ${s.host.name} is not in maintenance mode; nothing to do`);
  if (s.connection !== '' && s.connection !== 'connected') throw new VsphereToolError(`host ${s.host.name} is ${s.connection}; reconnect it in vCenter first`);
}

const MAX_NAMED = 20;

/**
 * Plan of vsphere_host_maintenance: entering names the running VMs that must move away (DRS
 * migrates them when fully automated; otherwise the task waits until they are moved or off).
 */
export function maintenancePlan(s: HostMaintenanceState, action: MaintenanceAction, evacuatePoweredOffVms: boolean): PlanDraft {
  checkMaintenance(s, action);
  const running = s.vms.filter((v) => v.powerState === 'poweredOn');
  const label = targetLabel(s.host);
  // The contract holds at most 100 precondition objects and 500 changes: the first running VMs
  // are re-checked one by one; the host's VM list (as ids or their digest) covers the rest.
  const vmObjects = running.slice(0, 99).map((v) => ({ object: `VM ${v.name}`, type: 'VirtualMachine', id: v.moref, values: { 'runtime.powerState': v.powerState } }));
  const precondition = [{ object: `host ${s.host.name}`, type: 'HostSystem', id: s.host.ref.value, values: { ...s.values } }, ...vmObjects];
  if (action === 'exit') {
    return {
      summary: `Take host ${s.host.name} out of maintenance mode; it will take VMs again (${s.vms.length} VMs registered on it)`,
      changes: [{ object: label, field: 'maintenance mode', before: 'on', after: 'off' }],
      objects: [label],
      precondition,
    };
  }
  const named: string[] = [];
  for (const v of running) {
    if (named.length >= MAX_NAMED || named.join(', ').length + v.name.length > 400) break;
    named.push(v.name);
  }
  const names = named.join(', ') + (running.length > named.length ? ` and ${running.length - named.length} more` : '');
  const vmsPart = running.length === 0 ? 'no running VMs on it' : `${running.length} running VM${running.length === 1 ? '' : 's'} must move to other hosts or be powered off first: ${names}`;
  // The VMs not running stay registered on the host unless the call moves them (vSphere's
  // "move powered-off and suspended virtual machines"): a suspended VM is named as such, not as
  // powered off, since the person approving may care about the memory state it keeps.
  const off = s.vms.length - running.length;
  const suspended = s.vms.filter((v) => v.powerState === 'suspended').length;
  const offKinds = [off - suspended > 0 ? `${off - suspended} powered-off` : '', suspended > 0 ? `${suspended} suspended` : ''].filter(Boolean).join(' and ');
  const offPart = off > 0 ? `; ${offKinds} VM${off === 1 ? '' : 's'} ${evacuatePoweredOffVms ? 'will be moved too' : `${off === 1 ? 'stays' : 'stay'} registered on it`}` : '';
  return {
    summary: `Put host ${s.host.name} into maintenance mode (${vmsPart}${offPart}); it takes no VMs until it exits`,
    changes: [
      { object: label, field: 'maintenance mode', before: 'off', after: 'on' },
      ...running.slice(0, 400).map((v) => ({ object: `VM ${v.name} (${v.moref})`, field: 'host', before: s.host.name, after: 'another host, or powered off' })),
    ],
    objects: [label, ...running.slice(0, 99).map((v) => `VM ${v.name} (${v.moref})`)],
    precondition,
  };
}
