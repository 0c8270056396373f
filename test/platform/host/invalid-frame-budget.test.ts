// The per-child budget of refused frames (issue 10): a compromised child that keeps sending
// frames the host must refuse gets each one audited, but only MAX_INVALID_FRAMES_PER_CHILD of
// them; the next closes its channel and kills it, so it cannot flood the audit log and rotate
// the real history out. A real child process, a real ChildProcessHandle and a real AuditLog:
// the budget listens to the log's onDidAppend, as the host wires it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../../src/platform/audit/audit-log.js';
import { limitInvalidFrames } from '../../../src/platform/host/invalid-frame-budget.js';
import type { ChannelViolation } from '../../../src/platform/supervisor/child-channel.js';
import { MAX_INVALID_FRAMES_PER_CHILD } from '../../../src/platform/supervisor/child-channel.js';
import { buildChildEnv } from '../../../src/platform/supervisor/child-env.js';
import { ChildProcessHandle } from '../../../src/platform/supervisor/child-process-handle.js';
import { NodeLauncher } from '../../../src/platform/supervisor/node-launcher.js';
import { noSandbox } from '../../../src/platform/supervisor/sandbox/sandbox.js';
import { guard, SERVER_CHILD } from '../supervisor/supervisor-harness.js';

const MAX = MAX_INVALID_FRAMES_PER_CHILD;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-frame-budget-'));
let n = 0;

describe('limitInvalidFrames() (issue 10: the audit cannot be flooded away)', () => {
  const handles: ChildProcessHandle[] = [];
  const logs: AuditLog[] = [];
  after(async () => {
    await Promise.all(handles.map((h) => h.stop({ graceMs: 1000 })));
    for (const log of logs) log.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A child named `name` (not started), its violations, and a real audit log. */
  function setUp(name = 'evil') {
    const handle = new ChildProcessHandle(new NodeLauncher({ sandbox: noSandbox('invalid-frame budget test') }), { name, modulePath: SERVER_CHILD, env: buildChildEnv(process.env) }, () => undefined);
    handles.push(handle);
    const violations: ChannelViolation[] = [];
    handle.onDidViolate((v) => violations.push(v));
    const log = new AuditLog({ home: path.join(root, `home-${n++}`), settings: { maxBytes: 1024 * 1024, keep: 1 }, secrets: () => [] });
    logs.push(log);
    return { handle, violations, log };
  }

  /** What the host audits for a frame it refused from `handle` (child-ports.ts, gateway.ts). */
  const refused = (handle: ChildProcessHandle, code = 'invalid') => ({ event: 'frame.invalid' as const, server: handle.spec.name, pid: handle.pid, code, reason: 'frame without a known channel' });

  it(`audits ${MAX} refused frames of one child, and closes its channel and kills it at the next (Security)`, async () => {
    const { handle, violations, log } = setUp();
    handle.start();
    const budget = limitInvalidFrames(handle, log.onDidAppend);
    // Whatever refused them (unknown channel, broker intake, gateway), with or without a code.
    for (let i = 0; i < MAX; i++) {
      const { code: _none, ...uncoded } = refused(handle);
      log.append(i % 3 === 0 ? uncoded : refused(handle, i % 3 === 1 ? 'invalid' : 'oversized'));
    }
    assert.deepEqual(violations, [], `${MAX} refused frames are within the budget`);
    assert.equal(handle.running, true);
    const exited = guard('the killed child to exit', new Promise((resolve) => handle.onDidExit(resolve)));
    log.append(refused(handle));
    assert.deepEqual(violations, ['invalid-frames'], 'the next one closes the channel');
    assert.deepEqual(await exited, { code: null, signal: 'SIGKILL', expected: false }, 'killed: a crash, so the supervisor backs off');
    budget.dispose();
  });

  it('counts only this child lifetime\'s refused frames: not another server\'s, another pid\'s, other events, or the violation\'s own record', () => {
    const { handle, violations, log } = setUp();
    handle.start();
    const pid = handle.pid!;
    const budget = limitInvalidFrames(handle, log.onDidAppend);
    for (let i = 0; i <= MAX; i++) {
      log.append({ ...refused(handle), server: 'other' });
      log.append({ ...refused(handle), pid: pid + 1 });
      log.append({ event: 'frame.invalid', code: 'invalid', reason: 'a control line' });
      log.append({ event: 'tool.failed', server: handle.spec.name, pid, code: 'invalid' });
      // The record of a violation the channel itself found (supervised-child.ts): that one closes the channel already.
      log.append({ ...refused(handle, 'channel_invalid_json'), outcome: 'failed' });
    }
    assert.deepEqual(violations, []);
    for (let i = 0; i < MAX; i++) log.append(refused(handle));
    assert.deepEqual(violations, [], 'none of those counted');
    log.append(refused(handle));
    assert.deepEqual(violations, ['invalid-frames']);
    budget.dispose();
  });

  it('charges nothing for a record without a pid, binds a budget made before the start to the pid once known, and charges nothing after dispose', () => {
    const early = setUp();
    // Made before start (Host.attachChild): it binds to the pid once the child has one; a record without a pid is never this child's.
    const unbound = limitInvalidFrames(early.handle, early.log.onDidAppend);
    early.handle.start();
    for (let i = 0; i <= MAX; i++) early.log.append({ event: 'frame.invalid', server: early.handle.spec.name, code: 'invalid', reason: 'r' });
    assert.deepEqual(early.violations, []);
    for (let i = 0; i < MAX; i++) early.log.append(refused(early.handle));
    assert.deepEqual(early.violations, []);
    early.log.append(refused(early.handle));
    assert.deepEqual(early.violations, ['invalid-frames'], 'a budget made before the start counted nothing once the pid was known');
    unbound.dispose();

    const late = setUp();
    late.handle.start();
    const budget = limitInvalidFrames(late.handle, late.log.onDidAppend);
    for (let i = 0; i < MAX; i++) late.log.append(refused(late.handle));
    budget.dispose();
    late.log.append(refused(late.handle));
    assert.deepEqual(late.violations, [], 'a disposed budget (the child exited) counts nothing more');
  });

  it('counts token denials that carry the child\'s pid (a name it may never have, R10-attack), not those without (no password in the keychain)', () => {
    const { handle, violations, log } = setUp();
    handle.start();
    const budget = limitInvalidFrames(handle, log.onDidAppend);
    const denial = { event: 'token.denied' as const, server: handle.spec.name, endpoint: 'nope', outcome: 'denied' as const, code: 'invalid', reason: 'no endpoint named nope' };
    for (let i = 0; i <= MAX; i++) log.append(denial);
    assert.deepEqual(violations, [], 'a denial without the pid is not the child\'s doing');
    for (let i = 0; i < MAX; i++) log.append({ ...denial, pid: handle.pid });
    assert.deepEqual(violations, []);
    log.append({ ...denial, code: 'not_allowed', pid: handle.pid });
    assert.deepEqual(violations, ['invalid-frames'], 'the next denial it asked for closes the channel');
    budget.dispose();
  });
});
