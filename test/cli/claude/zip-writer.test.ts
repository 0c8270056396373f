import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildZip } from '../../../src/cli/claude/zip-writer.js';
import { readZipWithPython } from './python-zip.js';

describe('buildZip()', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-zip-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (bytes: Buffer): string => {
    const f = path.join(dir, 'a.zip');
    fs.writeFileSync(f, bytes);
    return f;
  };

  it('round-trips through Python zipfile: names, bytes, CRCs, Unix modes and time', () => {
    const text = Buffer.from('const x = 1;\n'.repeat(500));
    const random = crypto.randomBytes(4096); // incompressible: must be stored, not inflated bigger
    const empty = Buffer.alloc(0);
    const mtime = new Date(2025, 5, 1, 9, 30, 15);
    const file = write(buildZip([
      { name: 'manifest.json', data: text },
      { name: 'server/blob.bin', data: random, mode: 0o755 },
      { name: 'empty.txt', data: empty },
    ], mtime));
    const members = readZipWithPython(file);
    assert.deepEqual(members.map((m) => [m.name, m.compressType, m.createSystem, m.mode]), [
      ['manifest.json', 8, 3, 0o100644],
      ['server/blob.bin', 0, 3, 0o100755],
      ['empty.txt', 0, 3, 0o100644],
    ]);
    assert.deepEqual(members.map((m) => m.data), [text, random, empty]);
    assert.deepEqual(members[0]!.dateTime, [2025, 6, 1, 9, 30, 14]); // DOS time has 2 s steps.
    assert.ok(fs.statSync(file).size < text.length, 'the text member was compressed');
  });

  it('is accepted by Info-ZIP unzip -t', (t) => {
    const file = write(buildZip([{ name: 'a/b.txt', data: Buffer.from('hello') }], new Date()));
    const r = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
    // unzip is a second opinion only; Python's zipfile above is the required reader.
    if (r.error) return t.skip('unzip is not installed (apt-get install unzip to run this check)');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No errors detected/);
  });

  it('writes a valid empty archive', () => {
    assert.deepEqual(readZipWithPython(write(buildZip([], new Date()))), []);
  });

  it('refuses names that would escape the folder on extraction, and duplicates', () => {
    for (const name of ['../evil', '/abs', 'a/../../b', 'C:evil', 'a\\b', '', 'a//b', './a']) {
      assert.throws(() => buildZip([{ name, data: Buffer.alloc(1) }], new Date()), /unsafe entry name/, name);
    }
    assert.throws(() => buildZip([{ name: 'a', data: Buffer.alloc(1) }, { name: 'a', data: Buffer.alloc(1) }], new Date()), /duplicate entry name "a"/);
  });
});
