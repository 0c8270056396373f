// bench/vsphere-inventory, our side: one process that lists every VM with the connector's
// listAllVmsOneShot (login, page through all, logout) and prints the rows as one JSON array
// sorted by name, the shape bench/peers/govmomi-list and bench/peers/pyvmomi_list.py print.
//
// Env: VSPHERE_URL, VSPHERE_USER, VSPHERE_PASSWORD, VSPHERE_FINGERPRINT_SHA256, and
// VSPHERE_MAX_OBJECTS (optional page size).
// Run alone: node --import tsx bench/vsphere-inventory/ours.ts. The harness (index.ts) runs
// it bundled as the product ships its server children (bundle-one-shot.ts: one CommonJS
// bundle run through a build-made V8 code cache), so tsx's start-up is not counted against us.
// No top-level await: a CommonJS bundle cannot have one.
import process from 'node:process';
import { listAllVmsOneShot } from '../../src/connectors/vsphere/list-all-vms.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  try {
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
}

void main();
