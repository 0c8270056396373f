import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KeychainNamespaceFile } from '../../base/contracts/keychain-namespace.js';
import { firstIssue } from '../../base/contracts/format-issue.js';
import { writeFileAtomic, writeTempSibling } from '../fs/atomic-write.js';
import { ensurePrivateDir } from '../fs/private-dir.js';
import { KEYCHAIN_SERVICE } from './keychain.js';
import { KeychainNamespaceError } from './keychain-namespace-error.js';

/** Where a home's keychain items live. */
export interface KeychainNamespace {
  /** `<home>/keychain.json`. */
  readonly file: string;
  /** The random id stored in the file. */
  readonly id: string;
  /** The keychain service of every item of this home: `KeyBroker/<id>`. */
  readonly service: string;
  /** Whether the un-namespaced items of KeyBroker 0.1 were already moved in. */
  readonly legacyMigrated: boolean;
}

/** `<home>/keychain.json`. */
export function keychainNamespaceFile(home: string): string {
  return path.join(home, 'keychain.json');
}

/** The service name of a namespace id: `KeyBroker/<id>`, what Keychain Access shows as the item's name. */
export function namespacedService(id: string): string {
  return `${KEYCHAIN_SERVICE}/${id}`;
}

function read(file: string): KeychainNamespace | undefined {
  let text: string;
  try {
    // Stryker disable next-line StringLiteral: JSON.parse reads a Buffer as UTF-8 text all the same
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new KeychainNamespaceError(file, 'not JSON', { cause: e });
  }
  const parsed = KeychainNamespaceFile.safeParse(raw);
  if (!parsed.success) {
    const { path: field, message } = firstIssue(parsed.error);
    throw new KeychainNamespaceError(file, `${field || '(root)'}: ${message}`);
  }
  return { file, id: parsed.data.id, service: namespacedService(parsed.data.id), legacyMigrated: parsed.data.legacyMigrated };
}

/**
 * The home's keychain namespace, created on first use (DECISIONS: a random id stored in the
 * home, not a hash of its path, so moving the folder keeps its passwords).
 *
 * Two processes may create it at once (the host and a CLI command): the file is written
 * aside and hard-linked into place, which fails if it exists, so both end up with the
 * same id and no namespace is ever replaced.
 */
export function loadKeychainNamespace(home: string): KeychainNamespace {
  const file = keychainNamespaceFile(home);
  const existing = read(file);
  if (existing) return existing;
  ensurePrivateDir(home);
  const id = crypto.randomBytes(8).toString('hex');
  // Written aside under the shared temp name, so a process killed before the link leaves a
  // file the next write of keychain.json sweeps (D176).
  const tmp = writeTempSibling(file, `${JSON.stringify({ version: 1, id, legacyMigrated: false }, null, 2)}\n`);
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const created = read(file);
  if (!created) throw new KeychainNamespaceError(file, 'vanished while it was being created');
  return created;
}

/** Record that the legacy items were moved in, keeping the id. */
export function markLegacyMigrated(namespace: KeychainNamespace): void {
  writeFileAtomic(namespace.file, `${JSON.stringify({ version: 1, id: namespace.id, legacyMigrated: true }, null, 2)}\n`);
}
