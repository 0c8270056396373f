import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupStamp, writeBackup } from '../../../src/cli/claude/write-backup.js';

describe('writeBackup()', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bak-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stamps the name with a sortable UTC time without colons', () => {
    assert.equal(backupStamp(Date.UTC(2025, 0, 2, 3, 4, 5, 6)), '2025-01-02T03-04-05-006Z');
  });

  it('writes the bytes 0600 even under a permissive umask, and never over an earlier backup', () => {
    const file = path.join(dir, 'c.json');
    const old = process.umask(0);
    try {
      const a = writeBackup(file, Buffer.from('one'), 0);
      const b = writeBackup(file, Buffer.from('two'), 0);
      assert.equal(a, `${file}.bak-1970-01-01T00-00-00-000Z`);
      assert.equal(b, `${a}-1`);
      assert.deepEqual([fs.readFileSync(a, 'utf8'), fs.readFileSync(b, 'utf8')], ['one', 'two']);
      assert.deepEqual([fs.statSync(a).mode & 0o777, fs.statSync(b).mode & 0o777], [0o600, 0o600]);
    } finally {
      process.umask(old);
    }
  });
});
