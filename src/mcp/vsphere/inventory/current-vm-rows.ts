import type { ObjectContent } from '../../../connectors/vsphere/index.js';
import { McpToolError } from '../../runtime/toolkit/index.js';
import { InventoryIndex } from './inventory-index.js';
import { isTimeout, KeptInventoryPausedError, type VmInventoryReader } from './kept-inventory.js';
import { collectVmRows, toVmRow, type VmRow } from './vm-rows.js';

/** Which rows a listing keeps. */
export type KeepVmRow = (row: VmRow, o: ObjectContent, index: InventoryIndex) => boolean;

/**
 * The VM rows `keep` accepts, as vCenter has them now: from the endpoint's kept inventory
 * (brought up to date through the PropertyCollector, issue 17), or, when that fails for any
 * reason but a timeout or a refused session, from a full read as before (the kept inventory is dropped by then and
 * rebuilt on a later call). `onFallback` hears why (a one-line, secret-free message).
 */
export async function currentVmRows(inventory: VmInventoryReader, keep: KeepVmRow, onFallback?: (error: unknown) => void): Promise<VmRow[]> {
  let view;
  try {
    view = await inventory.current();
  } catch (error) {
    // A vCenter that did not answer in time would not answer a full read either, and a
    // session the broker refused (the user denied the unlock) would only be asked for again,
    // prompting the user twice: say so now.
    if (isTimeout(error) || error instanceof McpToolError) throw error;
    // The call was cancelled (W7-vcancel): nobody wants a full read.
    if (inventory.signal?.aborted) throw error;
    // A pause after a failed build was logged when the build failed.
    if (!(error instanceof KeptInventoryPausedError)) onFallback?.(error);
    return collectVmRows(inventory.client, InventoryIndex.load(inventory.client), keep);
  }
  const rows: VmRow[] = [];
  for (const o of view.vms) {
    const row = toVmRow(o, view.index);
    if (keep(row, o, view.index)) rows.push(row);
  }
  return rows;
}
