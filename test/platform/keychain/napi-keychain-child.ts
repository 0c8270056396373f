// Runs one NapiKeychain operation in a fresh process and prints the outcome as JSON.
// napi-keychain.test.ts needs this because libdbus reads DBUS_SESSION_BUS_ADDRESS once per
// process: a broken or second bus can only be tried from a new process.
// Usage: napi-keychain-child.ts <get|set|delete|probe|keyutils-get> <account>; set reads the secret from stdin.
import { AsyncEntry } from '@napi-rs/keyring';
import { isCoreError } from '../../../src/base/errors/core-error.js';
import { KeychainUnavailableError } from '../../../src/platform/keychain/keychain-unavailable-error.js';
import { NapiKeychain } from '../../../src/platform/keychain/napi-keychain.js';
import { TEST_SERVICE } from './napi-keychain-service.js';

/** What the child prints: a value, or the error as it would cross a process boundary. */
export type ChildOutcome = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; detail?: string } };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function runOp(op: string, account: string): Promise<unknown> {
  const keychain = new NapiKeychain(TEST_SERVICE);
  switch (op) {
    case 'get':
      return (await keychain.get(account)) ?? null;
    case 'set':
      // The secret comes on stdin, never argv, where any local user could read it.
      return keychain.set(account, await readStdin());
    case 'delete':
      return keychain.delete(account);
    case 'probe': {
      const probe = await keychain.probe();
      return probe.available ? { available: true } : { available: false, error: probe.error.toWire() };
    }
    case 'keyutils-get':
      // What a silent fallback would have written: the kernel keyring, read directly.
      return new AsyncEntry(TEST_SERVICE, account, { linux: { store: 'keyutils' } }).getPassword();
    default:
      throw new Error(`unknown op ${op}`);
  }
}

const [op = '', account = ''] = process.argv.slice(2);
let outcome: ChildOutcome;
try {
  outcome = { ok: true, value: (await runOp(op, account)) ?? null };
} catch (err) {
  // detail (the library's own words) lets the test see which store was actually tried.
  const detail = err instanceof KeychainUnavailableError ? { detail: err.detail } : {};
  outcome = { ok: false, error: isCoreError(err) ? { ...err.toWire(), ...detail } : { code: 'UNCODED', message: err instanceof Error ? err.message : String(err) } };
}
process.stdout.write(`${JSON.stringify(outcome)}\n`);
