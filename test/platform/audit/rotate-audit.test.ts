import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listRotatedAuditFiles, rotateAuditFiles, rotatedAuditFile } from '../../../src/platform/audit/rotate-audit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-rotate-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A folder holding `audit.log` with content "live" and generations whose content is their number. */
function setUp(generations: number[]): string {
  const dir = path.join(root, `d${n++}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, 'audit.log');
  fs.writeFileSync(file, 'live');
  for (const g of generations) fs.writeFileSync(rotatedAuditFile(file, g), String(g));
  return file;
}

const contents = (file: string) => Object.fromEntries(fs.readdirSync(path.dirname(file)).sort().map((f) => [f, fs.readFileSync(path.join(path.dirname(file), f), 'utf8')]));

describe('rotateAuditFiles()', () => {
  it('shifts every generation up by one and the live file to .1', () => {
    const file = setUp([1, 2]);
    rotateAuditFiles(file, 3);
    assert.deepEqual(contents(file), { 'audit.log.1': 'live', 'audit.log.2': '1', 'audit.log.3': '2' });
  });

  it('deletes the oldest generation once `keep` are on disk', () => {
    const file = setUp([1, 2, 3]);
    rotateAuditFiles(file, 3);
    assert.deepEqual(contents(file), { 'audit.log.1': 'live', 'audit.log.2': '1', 'audit.log.3': '2' });
  });

  it('deletes generations left beyond a `keep` that was lowered', () => {
    const file = setUp([1, 2, 3, 4, 5]);
    rotateAuditFiles(file, 2);
    assert.deepEqual(contents(file), { 'audit.log.1': 'live', 'audit.log.2': '1' });
  });

  it('copes with gaps and with no live file', () => {
    const file = setUp([2]);
    fs.rmSync(file);
    rotateAuditFiles(file, 3);
    assert.deepEqual(contents(file), { 'audit.log.3': '2' });
  });

  it('rejects a keep below 1', () => {
    const file = setUp([]);
    assert.throws(() => rotateAuditFiles(file, 0), RangeError);
    assert.deepEqual(contents(file), { 'audit.log': 'live' });
  });
});

describe('listRotatedAuditFiles()', () => {
  it('lists generations oldest first, in numeric order', () => {
    const file = setUp([1, 2, 10, 9]);
    assert.deepEqual(listRotatedAuditFiles(file).map((f) => path.basename(f)), ['audit.log.10', 'audit.log.9', 'audit.log.2', 'audit.log.1']);
  });

  it('ignores files that only look similar', () => {
    const file = setUp([1]);
    for (const name of ['audit.log.tmp', 'audit.log.01', 'audit.log.1.gz', 'other.log.2', 'audit.log.']) fs.writeFileSync(path.join(path.dirname(file), name), '');
    assert.deepEqual(listRotatedAuditFiles(file).map((f) => path.basename(f)), ['audit.log.1']);
  });

  it('returns nothing for a folder that does not exist', () => {
    assert.deepEqual(listRotatedAuditFiles(path.join(root, 'missing', 'audit.log')), []);
  });
});
