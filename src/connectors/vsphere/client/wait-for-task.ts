import { ConnectorError } from '../../connector-error.js';
import type { ManagedObjectRef } from '../soap/managed-object-ref.js';
import { VsphereFaultError } from '../soap/vsphere-fault-error.js';
import type { ObjectContent } from './object-content.js';
import { propertyScalar, type PropertyValue } from './property-value.js';

/** How long to wait for a Task. */
export interface WaitForTaskOptions {
  /** Give up (the task keeps running upstream) after this many milliseconds. */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
}

interface TaskReader {
  retrieveObjects(refs: readonly ManagedObjectRef[], paths: string[], options?: { signal?: AbortSignal }): Promise<ObjectContent[]>;
}

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1_000;

/**
 * Polls `info.state` until `success` or `error` (reference §8). Polling, not
 * WaitForUpdatesEx: one round trip per poll on a shared keep-alive connection, no private
 * collector to clean up, and vcsim tasks finish in milliseconds. The interval doubles
 * from 50 ms to 1 s so quick tasks return quickly and slow ones cost little.
 *
 * @throws VsphereFaultError with the task's fault type (e.g. InvalidPowerState), or
 * ConnectorError CONN_TIMEOUT when the deadline passes first.
 */
export async function waitForTask(reader: TaskReader, task: ManagedObjectRef, options: WaitForTaskOptions): Promise<PropertyValue | undefined> {
  const deadline = Date.now() + options.deadlineMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const [content] = await reader.retrieveObjects([task], ['info.state', 'info.error', 'info.result', 'info.descriptionId'], { signal: options.signal });
    if (!content) throw new VsphereFaultError('ManagedObjectNotFound', `task ${task.value} disappeared before it finished; check the object in the vSphere client`);
    const state = content.props['info.state'];
    if (state === 'success') return content.props['info.result'];
    if (state === 'error') throw taskFault(task, content);
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ConnectorError('CONN_TIMEOUT', `task ${task.value} was still ${propertyScalar(state) ?? 'queued'} after ${options.deadlineMs} ms; it goes on in vCenter, so check it there before retrying`);
    }
    await sleep(Math.min(delay, left), options.signal);
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

function taskFault(task: ManagedObjectRef, content: ObjectContent): VsphereFaultError {
  const info = content.props['info.error'] as Record<string, PropertyValue> | undefined;
  const fault = info?.['fault'] as Record<string, PropertyValue> | undefined;
  const type = typeof fault?.['_type'] === 'string' ? fault['_type'] : undefined;
  const what = typeof content.props['info.descriptionId'] === 'string' ? content.props['info.descriptionId'] : `task ${task.value}`;
  return new VsphereFaultError(type, `${what} failed with ${type ?? 'an unknown fault'}${faultDetail(type, fault)}`);
}

/** A few words about well-known faults; vcsim's localizedMessage is a Go type name, so it is not used. */
function faultDetail(type: string | undefined, fault: Record<string, PropertyValue> | undefined): string {
  if (type === 'InvalidPowerState' && fault) {
    return `: the VM is ${propertyScalar(fault['existingState']) ?? 'in another state'}, so it cannot go ${propertyScalar(fault['requestedState']) ?? 'there'}`;
  }
  return '';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
