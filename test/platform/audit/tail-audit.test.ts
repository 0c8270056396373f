import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditRecord } from '../../../src/base/contracts/audit-event.js';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { tailAudit, type TailAuditOptions } from '../../../src/platform/audit/tail-audit.js';
import { until as waitUntil } from '../../support/wait.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-tail-audit-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

const line = (pid: number) => `${JSON.stringify({ ts: '2026-11-24T10:00:00.000Z', event: 'tool.called', pid })}\n`;

/** Poll `cond` until true; no deadline but the hang guard (test/support/wait.ts). */
const until = (cond: () => boolean, what: string): Promise<void> => waitUntil(what, cond);

/** Follow `file`, collecting pids; `stop()` aborts and returns the follower's result. */
function follow(file: string, options: TailAuditOptions = {}) {
  const pids: (number | undefined)[] = [];
  const ac = new AbortController();
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let looks = 0;
  const done = tailAudit(file, (r: AuditRecord) => pids.push(r.pid), ac.signal, { intervalMs: 15, onReady: markReady, onLook: () => void looks++, ...options });
  return {
    pids,
    /** Resolves once lines appended from now on will be delivered. */
    ready,
    /** Resolves after the follower has looked at the file twice from now: once entirely after this call. */
    twoLooks() {
      const target = looks + 2;
      return waitUntil('two looks at the file', () => looks >= target, 1);
    },
    async stop() {
      ac.abort();
      return done;
    },
  };
}

/** True while this process holds `file` open (Linux: /proc/self/fd), for leak checks. */
function holdsOpen(file: string): boolean {
  if (process.platform !== 'linux') return false;
  return fs.readdirSync('/proc/self/fd').some((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(file);
    } catch {
      return false;
    }
  });
}

function freshFile(): string {
  const dir = path.join(root, `d${n++}`);
  fs.mkdirSync(dir, { mode: 0o700 });
  return path.join(dir, 'audit.log');
}

describe('tailAudit()', () => {
  it('delivers only records appended after it started', async () => {
    const file = freshFile();
    fs.writeFileSync(file, line(1) + line(2));
    const t = follow(file);
    await t.ready; // Lines 1-2 are now "before".
    fs.appendFileSync(file, line(3));
    fs.appendFileSync(file, line(4));
    await until(() => t.pids.length >= 2, 'two new records');
    assert.deepEqual(await t.stop(), { malformed: 0 });
    assert.deepEqual(t.pids, [3, 4]);
  });

  it('with fromStart, delivers the existing records first', async () => {
    const file = freshFile();
    fs.writeFileSync(file, line(1));
    const t = follow(file, { fromStart: true });
    await until(() => t.pids.length >= 1, 'the existing record');
    fs.appendFileSync(file, line(2));
    await until(() => t.pids.length >= 2, 'the new record');
    await t.stop();
    assert.deepEqual(t.pids, [1, 2]);
  });

  it('waits for a file that does not exist yet and reads it from its start', async () => {
    const file = freshFile();
    const t = follow(file);
    await t.ready;
    fs.writeFileSync(file, line(1));
    await until(() => t.pids.length >= 1, 'the first record');
    await t.stop();
    assert.deepEqual(t.pids, [1]);
  });

  it('follows AuditLog across rotations, including lines written just before one', async () => {
    const home = path.join(root, `home${n++}`);
    // 450: each file holds one long and one short line (each with its 64-hex chain link).
    const log = new AuditLog({ home, settings: { maxBytes: 450, keep: 3 }, secrets: () => [] });
    log.append({ event: 'host.started', pid: 1 });
    const t = follow(log.file);
    await t.ready;
    for (let pid = 2; pid <= 6; pid++) {
      // Two appends back to back: the second rotates the file before the follower has
      // looked, so the first is only in audit.log.1 by then.
      log.append({ event: 'tool.called', pid: pid * 10 });
      log.append({ event: 'tool.called', pid: pid * 10 + 1, reason: 'x'.repeat(120) });
      await until(() => t.pids.at(-1) === pid * 10 + 1, `record ${pid * 10 + 1}`);
    }
    await t.stop();
    log.dispose();
    assert.ok(fs.existsSync(`${log.file}.1`), 'the log did rotate');
    assert.deepEqual(t.pids, [20, 21, 30, 31, 40, 41, 50, 51, 60, 61]);
  });

  it('starts over when the file is truncated in place', async () => {
    const file = freshFile();
    fs.writeFileSync(file, line(1) + line(2) + line(3));
    const t = follow(file);
    await t.ready;
    // The new content is shorter than what was read: that is how truncation shows.
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, line(4));
    await until(() => t.pids.length >= 1, 'the record after truncation');
    await t.stop();
    assert.deepEqual(t.pids, [4]);
  });

  it('waits for the newline of a line still being written, and keeps split UTF-8 whole', async () => {
    const file = freshFile();
    fs.writeFileSync(file, '');
    const t = follow(file);
    const full = Buffer.from(`${JSON.stringify({ ts: '2026-11-24T10:00:00.000Z', event: 'tool.called', pid: 7, client: 'zoë' })}\n`);
    const cut = full.indexOf(Buffer.from('ë')) + 1; // Inside the two-byte ë.
    await t.ready;
    fs.appendFileSync(file, full.subarray(0, cut));
    await t.twoLooks(); // It has read the half line by now; it must not deliver it.
    assert.deepEqual(t.pids, []);
    fs.appendFileSync(file, full.subarray(cut));
    await until(() => t.pids.length >= 1, 'the completed line');
    assert.deepEqual(await t.stop(), { malformed: 0 });
    assert.deepEqual(t.pids, [7]);
  });

  it('skips and counts malformed lines without stopping', async () => {
    const file = freshFile();
    fs.writeFileSync(file, '');
    const t = follow(file);
    await t.ready;
    fs.appendFileSync(file, `garbage\n${JSON.stringify({ ts: 'x', event: 'lock' })}\n${line(5)}`);
    await until(() => t.pids.length >= 1, 'the good record');
    assert.deepEqual(await t.stop(), { malformed: 2 });
    assert.deepEqual(t.pids, [5]);
  });

  it('resolves on abort and closes the file', async () => {
    const file = freshFile();
    fs.writeFileSync(file, line(1));
    const t = follow(file);
    await t.ready;
    if (process.platform === 'linux') assert.equal(holdsOpen(file), true);
    assert.deepEqual(await t.stop(), { malformed: 0 });
    assert.equal(holdsOpen(file), false);
  });

  it('returns at once for an already aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    assert.deepEqual(await tailAudit(freshFile(), () => assert.fail('no records expected'), ac.signal), { malformed: 0 });
  });
});
