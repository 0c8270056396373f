// bench/vsphere-inventory, our side: one process that lists every VM with the connector's
// listAllVmsOneShot (login, page through all, logout) and prints the rows as one JSON array
// sorted by name, the shape bench/peers/govmomi-list and bench/peers/pyvmomi_list.py print.
//
// Env: VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_FINGERPRINT_SHA256, and
// VSPHERE_MAX_OBJECTS (optional page size).
// Run alone: node --import tsx bench/vsphere-inventory/ours.ts. The harness (index.ts) runs
// an esbuild bundle of it instead, as the product ships bundles, so tsx's start-up is not
// counted against us.
import process from 'node:process';

/** One VM as listAllVmsOneShot returns it (API contract of src/connectors/vsphere/list-all-vms.ts). */
export interface VmRow {
  readonly name: string;
  readonly powerState: string;
  readonly numCpu: number;
  readonly memoryMB: number;
  readonly ip?: string;
  readonly host?: string;
}

interface ListAllVmsModule {
  listAllVmsOneShot(options: { url: string; username: string; password: string; fingerprintSha256: string; pageSize?: number }): Promise<VmRow[]>;
}

// A specifier in a variable, so that `tsc` passes while the connector does not exist yet.
// The harness bundles this file and the connector into the same relative layout under
// .cache, so the specifier resolves there as it does in the source tree.
const CONNECTOR = '../../src/connectors/vsphere/list-all-vms.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

try {
  const { listAllVmsOneShot } = (await import(CONNECTOR)) as ListAllVmsModule;
  const rows = await listAllVmsOneShot({
    url: env('VSPHERE_URL'),
    username: env('VSPHERE_USER'),
    password: env('VSPHERE_PASSWORD'),
    fingerprintSha256: env('VSPHERE_FINGERPRINT_SHA256'),
    // The same page size as the peers' maxObjects (the connector's default is also 1000).
    ...(process.env['VSPHERE_MAX_OBJECTS'] ? { pageSize: Number(process.env['VSPHERE_MAX_OBJECTS']) } : {}),
  });
  // Code-unit order, which for these names is the byte order Go and Python sort by.
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // A one-shot CLI exits when its work is done: idle keep-alive sockets must not hold the
  // process (and the wall time) open. Exit only once the write is flushed: a full pipe
  // makes libuv queue the rest, and exiting earlier truncates the JSON.
  process.stdout.write(`${JSON.stringify(rows)}\n`, () => process.exit(0));
} catch (error) {
  process.stderr.write(`ours: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
