// issue 10 item 6: every command treats a closed stdout (EPIPE: `| head -1`) as a normal
// end, in one place (src/cli/index.ts), instead of dying with a stack trace.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/platform/audit/audit-log.js';
import { KEYBROKER_BIN, waitFor } from '../support/keybroker-cli.js';

/** `keybroker ...args | head -1`: read one line, then close the pipe the way head does when it exits. */
async function pipeToHead1(args: readonly string[], env: NodeJS.ProcessEnv, afterClose?: () => void): Promise<{ line: string; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [KEYBROKER_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('exit', (code, signal) => r([code, signal])));
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const line = await waitFor('the first line', () => (out.includes('\n') ? out.slice(0, out.indexOf('\n')) : undefined), 20_000);
  child.stdout.destroy(); // head has its line and exits: nobody reads the pipe any more
  // A follower only learns that its reader is gone at its next write, and under load it may
  // start watching after a single record was appended: keep appending until it has exited.
  const feeding = afterClose ? setInterval(afterClose, 100) : undefined;
  afterClose?.();
  const [code, signal] = await exited.finally(() => clearInterval(feeding));
  return { line, code, signal, stderr };
}

describe('keybroker with its output closed early', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-h3-epipe-'));
    env = { ...process.env, KEYBROKER_HOME: home };
    // Far more than a pipe buffer (64 KiB), so writes are still going when the reader leaves.
    const audit = new AuditLog({ home, settings: { maxBytes: 64 * 1024 * 1024, keep: 1 }, secrets: () => [] });
    for (let i = 0; i < 5000; i++) audit.append({ event: 'config.changed', reason: `record ${i} ${'x'.repeat(100)}` });
    audit.dispose();
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it('`audit --json | head -1` ends normally: exit 0, no stack trace', async () => {
    const r = await pipeToHead1(['audit', '--json'], env);
    assert.match(r.line, /"event":"config\.changed".*record 0 /);
    assert.deepEqual([r.code, r.signal], [0, null]);
    assert.equal(r.stderr, '');
  });

  it('`audit | head -1` (human format) ends the same way', async () => {
    const r = await pipeToHead1(['audit'], env);
    assert.match(r.line, /record 0 /);
    assert.deepEqual([r.code, r.signal, r.stderr], [0, null, '']);
  });

  it('`audit --follow --json | head -1` stops following once the reader is gone', async () => {
    const audit = new AuditLog({ home, settings: { maxBytes: 64 * 1024 * 1024, keep: 1 }, secrets: () => [] });
    try {
      // --limit 1 prints one old record; the next new one hits the closed pipe and ends the command.
      const r = await pipeToHead1(['audit', '--follow', '--json', '--limit', '1'], env, () => {
        audit.append({ event: 'config.changed', reason: 'after the reader left' });
        audit.flush();
      });
      assert.match(r.line, /record 4999 /);
      assert.deepEqual([r.code, r.signal, r.stderr], [0, null, '']);
    } finally {
      audit.dispose();
    }
  });
});
