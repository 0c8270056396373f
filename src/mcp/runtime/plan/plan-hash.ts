import crypto from 'node:crypto';
import type { PlanChange } from '../../../base/contracts/approval.js';
import type { Precondition } from '../../../base/contracts/plan-protocol.js';
import { canonicalJson } from './canonical-json.js';

/** Everything an approval covers: the call (tool and validated arguments) and what it will do. */
export interface PlanHashInput {
  readonly tool: string;
  readonly args: unknown;
  readonly summary: string;
  readonly changes: readonly PlanChange[];
  readonly objects: readonly string[];
  readonly precondition: Precondition;
}

/** SHA-256 (hex) over the canonical JSON of the plan, its arguments and its precondition. */
export function planHash(input: PlanHashInput): string {
  return crypto.createHash('sha256').update(canonicalJson({ v: 1, ...input })).digest('hex');
}
