import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAudit, readAuditFile } from '../../../src/platform/audit/read-audit.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-read-audit-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

const line = (event: string, pid: number) => JSON.stringify({ ts: '2026-11-24T10:00:00.000Z', event, pid });

function home(files: Record<string, string[]>): string {
  const dir = path.join(root, `h${n++}`);
  fs.mkdirSync(dir);
  for (const [name, ls] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), ls.map((l) => `${l}\n`).join(''));
  return dir;
}

describe('readAudit()', () => {
  it('reads the live file only by default', () => {
    const h = home({ 'audit.log': [line('lock', 3)], 'audit.log.1': [line('lock', 2)] });
    assert.deepEqual(readAudit(h).records.map((r) => r.pid), [3]);
  });

  it('with fromRotated, reads the oldest generation first and the live file last', () => {
    const h = home({ 'audit.log': [line('lock', 5)], 'audit.log.1': [line('lock', 3), line('lock', 4)], 'audit.log.2': [line('lock', 1), line('lock', 2)] });
    assert.deepEqual(readAudit(h, { fromRotated: true }).records.map((r) => r.pid), [1, 2, 3, 4, 5]);
  });

  it('skips malformed lines and counts them, across files', () => {
    const h = home({
      'audit.log': [line('lock', 2), '{"ts":"2026-11-24T10:00:00.000Z","event":"lock","secret":"x"}', '{"ts":"torn'],
      'audit.log.1': ['not json at all', line('lock', 1), line('no.such.event', 9)],
    });
    const r = readAudit(h, { fromRotated: true });
    assert.deepEqual(r.records.map((x) => x.pid), [1, 2]);
    assert.equal(r.malformed, 4);
  });

  it('returns nothing, not an error, when there is no log yet', () => {
    assert.deepEqual(readAudit(path.join(root, 'fresh-install'), { fromRotated: true }), { records: [], malformed: 0 });
  });
});

describe('readAuditFile()', () => {
  it('does not count blank lines as malformed', () => {
    const h = home({ 'audit.log': ['', line('lock', 1), '   ', ''] });
    assert.deepEqual(readAuditFile(path.join(h, 'audit.log')), { records: [{ ts: '2026-11-24T10:00:00.000Z', event: 'lock', pid: 1 }], malformed: 0 });
  });
});
