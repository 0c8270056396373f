import { isMoRef, propertyText, type ManagedObjectRef, type PropertyValue, type VsphereClient } from '../../../connectors/vsphere/index.js';
import type { PreconditionObject } from '../../../base/contracts/plan-protocol.js';
import { approvedPrecondition, type ToolExtra } from '../../runtime/plan/tool-planner.js';
import { findEntity } from '../inventory/find-entity.js';
import { VsphereToolError } from '../vsphere-tool-error.js';
import { preconditionValue } from './vm-state.js';

/** A managed object a write names (a folder, host, pool or datastore), as its plan read it. */
export interface Target {
  readonly ref: ManagedObjectRef;
  readonly name: string;
  /** Its part in the plan: "target host". */
  readonly kind: string;
  /** Kind and name, how the plan and the precondition name it: "target host DC0_C0_H1". */
  readonly role: string;
}

/** Resolve a name or moref to `type`, labelled with its role in the plan. */
export async function findTarget(client: VsphereClient, type: string, nameOrId: string, label: string, role: string): Promise<Target> {
  const found = await findEntity(client, type, nameOrId, label);
  return { ...found, kind: role, role: `${role} ${found.name}` };
}

/** A target by moref the plan read from vCenter (a VM's host, its pool): its name looked up. */
export async function targetOf(client: VsphereClient, ref: PropertyValue | undefined, role: string): Promise<Target | undefined> {
  if (!isMoRef(ref)) return undefined;
  const [o] = await client.retrieveObjects([ref], ['name']);
  const name = propertyText(o?.props['name']) ?? ref.value;
  return { ref, name, kind: role, role: `${role} ${name}` };
}

/** "host DC0_C0_H1 (host-21)": how plans and the audit name a target. */
export function targetLabel(t: Target): string {
  return `${t.role} (${t.ref.value})`;
}

/**
 * A target as a precondition: it must still exist (and hold `values`, read with the same
 * paths) when the approved call runs.
 */
export function targetPrecondition(t: Target, values: Record<string, PropertyValue | undefined> = {}): PreconditionObject {
  return { object: t.role, type: t.ref.type, id: t.ref.value, values: Object.fromEntries(Object.entries(values).map(([p, v]) => [p, preconditionValue(p, v)])) };
}

/**
 * Security: an approved call acts on the objects its plan read. When a name given now
 * resolves to another object than the approved one with the same role (renamed or replaced
 * since), refuse instead of acting on it.
 */
export function assertApprovedTargets(extra: ToolExtra, targets: readonly (Target | undefined)[]): void {
  const approved = approvedPrecondition(extra);
  if (!approved) return;
  for (const t of targets) {
    if (!t) continue;
    const was = approved.find((o) => o.type === t.ref.type && o.object.startsWith(`${t.kind} `));
    if (was && was.id !== t.ref.value) {
      throw new VsphereToolError(`the ${t.kind} ${JSON.stringify(t.name)} now refers to ${t.ref.value}, not the ${was.id} you approved; nothing was run. Call the tool again for a fresh plan.`);
    }
  }
}

/** "40 GB" from bytes; "unknown size" when vCenter did not say. */
export function sizeText(bytes: number | undefined): string {
  const b = bytes ?? NaN;
  if (!Number.isFinite(b)) return 'unknown size';
  const gb = b / 1024 ** 3;
  if (gb < 1) return `${Math.max(1, Math.round(b / 1024 ** 2))} MB`;
  // Stryker disable next-line EqualityOperator: at exactly 10 GB both roundings say "10 GB"
  return `${gb >= 10 ? Math.round(gb) : Math.round(gb * 10) / 10} GB`;
}
