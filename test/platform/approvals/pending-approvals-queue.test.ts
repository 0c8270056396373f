// The headless approval queue (`keybroker approvals/approve/deny`): every way a request can
// end (answered, aborted, disposed) settles it exactly once and removes it from the list.
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { ApprovalNotFoundError } from '../../../src/platform/approvals/approval-not-found-error.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';

const req = (id: string): ApprovalRequest => ({
  id, client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 3600, hosts: ['vc1.corp.example'] },
  createdAt: 0, expiresAt: 60_000,
});

describe('PendingApprovals', () => {
  it('lists a request until it is answered, then resolves with the answer and fires onDidChange each time', async () => {
    const q = new PendingApprovals();
    let changes = 0;
    q.onDidChange(() => changes++);
    const a = q.request(req('aaaa0001'), new AbortController().signal);
    const b = q.request(req('aaaa0002'), new AbortController().signal);
    assert.deepEqual(q.list().map((r) => r.id), ['aaaa0001', 'aaaa0002']);
    assert.equal(changes, 2);
    q.decide('aaaa0002', 'allow-once');
    assert.equal(await b, 'allow-once');
    assert.deepEqual(q.list().map((r) => r.id), ['aaaa0001']);
    assert.equal(changes, 3);
    q.decide('aaaa0001', 'allow-ttl');
    assert.equal(await a, 'allow-ttl');
    assert.deepEqual(q.list(), []);
    assert.equal(changes, 4);
    q.dispose();
  });

  it('refuses an unknown or already answered id with a clear error', async () => {
    const q = new PendingApprovals();
    assert.throws(() => q.decide('nope', 'deny'), ApprovalNotFoundError);
    const a = q.request(req('aaaa0003'), new AbortController().signal);
    q.decide('aaaa0003', 'deny');
    assert.equal(await a, 'deny');
    assert.throws(() => q.decide('aaaa0003', 'allow-ttl'), (e: Error) => e instanceof ApprovalNotFoundError && /keybroker approvals/.test(e.message));
    q.dispose();
  });

  it('denies at once, without listing, when the signal is already aborted', async () => {
    const q = new PendingApprovals();
    let changes = 0;
    q.onDidChange(() => changes++);
    const ac = new AbortController();
    ac.abort();
    assert.equal(await q.request(req('aaaa0004'), ac.signal), 'deny');
    assert.deepEqual(q.list(), []);
    assert.equal(changes, 0);
    q.dispose();
  });

  it('denies and drops a request whose signal aborts (prompt timeout, lock), and ignores a later answer', async () => {
    const q = new PendingApprovals();
    const ac = new AbortController();
    const a = q.request(req('aaaa0005'), ac.signal);
    ac.abort();
    assert.equal(await a, 'deny');
    assert.deepEqual(q.list(), []);
    assert.throws(() => q.decide('aaaa0005', 'allow-ttl'), ApprovalNotFoundError);
    q.dispose();
  });

  it('stops listening to the signal once answered', async () => {
    const q = new PendingApprovals();
    const ac = new AbortController();
    const removed = mock.method(ac.signal, 'removeEventListener');
    const a = q.request(req('aaaa0006'), ac.signal);
    q.decide('aaaa0006', 'allow-once');
    assert.equal(await a, 'allow-once');
    assert.equal(removed.mock.callCount(), 1);
    assert.equal(removed.mock.calls[0]?.arguments[0], 'abort');
    q.dispose();
  });

  it('denies everything still pending on dispose', async () => {
    const q = new PendingApprovals();
    const a = q.request(req('aaaa0007'), new AbortController().signal);
    const b = q.request(req('aaaa0008'), new AbortController().signal);
    q.dispose();
    assert.deepEqual(await Promise.all([a, b]), ['deny', 'deny']);
    assert.deepEqual(q.list(), []);
  });

  it('makes 8-hex-digit ids, never one that is pending', async () => {
    const q = new PendingApprovals();
    assert.match(q.newId(), /^[0-9a-f]{8}$/);
    const a = q.request(req('0a0b0c0d'), new AbortController().signal);
    const bytes = [Buffer.from('0a0b0c0d', 'hex'), Buffer.from('0a0b0c0e', 'hex')];
    mock.method(crypto, 'randomBytes', () => bytes.shift());
    try {
      assert.equal(q.newId(), '0a0b0c0e');
    } finally {
      mock.restoreAll();
    }
    q.dispose();
    await a;
  });
});
