// The home's keychain namespace file (the local-safety mutation area), without a keychain:
// `<home>/keychain.json` names the service `KeyBroker/<id>` every item of this home lives
// under, so another home's items are never read, overwritten or deleted. Created once, 0600,
// never replaced; a damaged or planted file is refused, never repaired or written through.
import { describe, it, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KeychainNamespaceFile } from '../../../src/base/contracts/keychain-namespace.js';
import { keychainNamespaceFile, loadKeychainNamespace, markLegacyMigrated, namespacedService } from '../../../src/platform/keychain/keychain-namespace.js';

const posix = process.platform !== 'win32';
const ID = /^[0-9a-f]{16}$/;
const fileText = (id: string, legacyMigrated: boolean) => `{\n  "version": 1,\n  "id": "${id}",\n  "legacyMigrated": ${legacyMigrated}\n}\n`;
const invalid = (file: string, detail: string) => (e: Error & { code?: string }) =>
  e.code === 'CORE_KEYCHAIN_NAMESPACE_INVALID' &&
  e.message === `${file} is invalid (${detail}): it names where this home's passwords are in the OS keychain; restore it from a backup, or move it aside and store the passwords again with 'keybroker endpoint add'`;

describe('KeychainNamespaceFile', () => {
  it('Security: takes exactly 16 lower-case hex digits as the id, nothing around them', () => {
    assert.equal(KeychainNamespaceFile.safeParse({ version: 1, id: '0123456789abcdef' }).success, true);
    for (const id of ['0123456789ABCDEF', '0123456789abcde', '0123456789abcdef0', 'x0123456789abcdef', '0123456789abcdefx', '0123456789abcdeg', '../../other-home', '', '0123456789abcdef\n']) {
      const r = KeychainNamespaceFile.safeParse({ version: 1, id });
      assert.equal(r.success, false, JSON.stringify(id));
      assert.equal(r.error?.issues[0]?.message, 'must be 16 lower-case hex digits');
    }
  });

  it('defaults legacyMigrated to false and refuses unknown fields and other versions', () => {
    assert.deepEqual(KeychainNamespaceFile.parse({ version: 1, id: 'ab'.repeat(8) }), { version: 1, id: 'ab'.repeat(8), legacyMigrated: false });
    assert.equal(KeychainNamespaceFile.safeParse({ version: 1, id: 'ab'.repeat(8), service: 'KeyBroker' }).success, false);
    assert.equal(KeychainNamespaceFile.safeParse({ version: 2, id: 'ab'.repeat(8) }).success, false);
  });
});

describe('loadKeychainNamespace()', () => {
  let root: string;
  let home: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-kc-ns-'));
    home = path.join(root, 'home');
  });
  afterEach(() => {
    mock.restoreAll();
    if (posix) fs.chmodSync(root, 0o700);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates <home>/keychain.json once, 0600 in a 0700 home, with a random id and service KeyBroker/<id>', () => {
    const ns = loadKeychainNamespace(home);
    assert.equal(ns.file, path.join(home, 'keychain.json'));
    assert.equal(keychainNamespaceFile(home), ns.file);
    assert.match(ns.id, ID);
    assert.equal(ns.service, `KeyBroker/${ns.id}`);
    assert.equal(namespacedService(ns.id), ns.service);
    assert.equal(ns.legacyMigrated, false);
    assert.equal(fs.readFileSync(ns.file, 'utf8'), fileText(ns.id, false));
    if (posix) {
      assert.equal(fs.statSync(ns.file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(home).mode & 0o777, 0o700);
    }
    assert.deepEqual(fs.readdirSync(home), ['keychain.json'], 'no temp file left');
    assert.deepEqual(loadKeychainNamespace(home), ns);
  });

  it('Security: two homes never share a namespace', () => {
    const other = path.join(root, 'other');
    assert.notEqual(loadKeychainNamespace(home).service, loadKeychainNamespace(other).service);
  });

  it('reads an existing file without writing: a read-only home still opens', { skip: !posix && 'POSIX modes' }, () => {
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(keychainNamespaceFile(home), '{"version":1,"id":"00112233aabbccdd"}', { mode: 0o600 });
    fs.chmodSync(home, 0o500);
    const ns = loadKeychainNamespace(home);
    assert.deepEqual(ns, { file: keychainNamespaceFile(home), id: '00112233aabbccdd', service: 'KeyBroker/00112233aabbccdd', legacyMigrated: false });
    assert.equal(fs.statSync(home).mode & 0o777, 0o500, 'the home was touched');
    assert.equal(fs.readFileSync(ns.file, 'utf8'), '{"version":1,"id":"00112233aabbccdd"}');
  });

  it('removes the temp file a creator killed before its link left (D176)', () => {
    fs.mkdirSync(home, { mode: 0o700 });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // Reaped: that creator is gone.
    fs.writeFileSync(path.join(home, `.keychain.json.${dead}.0123456789ab.tmp`), fileText('ab'.repeat(8), false), { mode: 0o600 });
    const ns = loadKeychainNamespace(home);
    assert.notEqual(ns.id, 'ab'.repeat(8), 'a killed creator\'s file is not the namespace');
    assert.deepEqual(fs.readdirSync(home), ['keychain.json']);
  });

  it('records the migration, keeping the id, 0600', () => {
    const ns = loadKeychainNamespace(home);
    markLegacyMigrated(ns);
    assert.equal(fs.readFileSync(ns.file, 'utf8'), fileText(ns.id, true));
    if (posix) assert.equal(fs.statSync(ns.file).mode & 0o777, 0o600);
    assert.deepEqual(loadKeychainNamespace(home), { ...ns, legacyMigrated: true });
    assert.deepEqual(fs.readdirSync(home), ['keychain.json']);
  });

  it('refuses a damaged file, naming the field (or the root), and leaves it alone', () => {
    fs.mkdirSync(home, { mode: 0o700 });
    const file = keychainNamespaceFile(home);
    for (const [text, detail] of [
      ['{"version":1,"id":"XYZ"}', 'id: must be 16 lower-case hex digits'],
      ['[]', '(root): Invalid input: expected object, received array'],
      ['not json', 'not JSON'],
    ] as const) {
      fs.writeFileSync(file, text);
      assert.throws(() => loadKeychainNamespace(home), invalid(file, detail), text);
      assert.equal(fs.readFileSync(file, 'utf8'), text);
    }
    fs.writeFileSync(file, 'not json');
    assert.throws(() => loadKeychainNamespace(home), (e: Error) => e.cause instanceof SyntaxError);
  });

  it('Security: a link planted at keychain.json is neither followed nor replaced, and no temp file is left', { skip: !posix && 'POSIX links' }, () => {
    fs.mkdirSync(home, { mode: 0o700 });
    const file = keychainNamespaceFile(home);
    const target = path.join(root, 'planted.json');
    fs.symlinkSync(target, file);
    // Dangling: reading finds nothing, and creating finds the name taken.
    assert.throws(() => loadKeychainNamespace(home), invalid(file, 'vanished while it was being created'));
    assert.equal(fs.existsSync(target), false, 'written through the link');
    assert.ok(fs.lstatSync(file).isSymbolicLink(), 'the symbolic link is left as it was');
    assert.deepEqual(fs.readdirSync(home), ['keychain.json']);
  });

  it('passes on a failure to link the new file into place, leaving no file and no temp file', () => {
    // A file system that refuses hard links (some network and FUSE mounts) answers EPERM.
    mock.method(fs, 'linkSync', () => { throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM', syscall: 'link' }); });
    assert.throws(() => loadKeychainNamespace(home), { code: 'EPERM', syscall: 'link' });
    assert.deepEqual(fs.readdirSync(home), []);
  });

  it('passes on an error other than a missing file, without creating anything', () => {
    fs.mkdirSync(keychainNamespaceFile(home), { recursive: true });
    assert.throws(() => loadKeychainNamespace(home), { code: 'EISDIR' });
    assert.deepEqual(fs.readdirSync(home), ['keychain.json']);
  });
});
