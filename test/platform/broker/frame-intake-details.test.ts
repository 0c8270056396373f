// Frame intake details that mutation testing showed unguarded (docs/TESTING.md): the exact
// audit line of each refusal, the size limit at its exact boundary, and a failing handler.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FRAME_BYTES } from '../../../src/base/contracts/token-protocol.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { acceptBrokerFrame, frameSize } from '../../../src/platform/broker/frame-intake.js';
import { recordingLink } from './broker-harness.js';

function intake(raw: unknown, act: () => Promise<void> = async () => undefined) {
  const audit: AuditInput[] = [];
  let acted = 0;
  acceptBrokerFrame(recordingLink('vsphere'), raw, { append: (r) => void audit.push(r) }, async () => { acted++; await act(); });
  return { audit, acted: () => acted };
}
/** A token.renew frame whose JSON is exactly `bytes` long. */
function renewOfSize(bytes: number) {
  const base = { ch: 'broker', t: 'token.renew', id: 'x', endpoint: 'vc1', stale: '' };
  return { ...base, stale: 'a'.repeat(bytes - frameSize(base)) };
}

describe('frame intake details', () => {
  it('measures frames as JSON bytes, and unserialisable ones as Infinity', () => {
    assert.equal(frameSize({ a: 'é' }), Buffer.byteLength('{"a":"é"}'));
    assert.equal(frameSize(undefined), Infinity);
    assert.equal(frameSize(() => 1), Infinity);
    assert.equal(frameSize(1n), Infinity);
  });

  it(`accepts a frame of exactly ${MAX_FRAME_BYTES} bytes and refuses one byte more, saying how big it was`, () => {
    const edge = renewOfSize(MAX_FRAME_BYTES);
    assert.equal(frameSize(edge), MAX_FRAME_BYTES);
    const ok = intake(edge);
    // Within the size limit, so it reached validation (the token is over its own 16 KiB cap).
    assert.notEqual(ok.audit[0]?.code, 'oversized');
    const over = intake(renewOfSize(MAX_FRAME_BYTES + 1));
    assert.deepEqual(over.audit, [{ event: 'frame.invalid', server: 'vsphere', pid: 4242, code: 'oversized', reason: `broker frame of ${MAX_FRAME_BYTES + 1} bytes exceeds ${MAX_FRAME_BYTES}` }]);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    assert.equal(intake(cyclic).audit[0]?.reason, `broker frame of unknown bytes exceeds ${MAX_FRAME_BYTES}`);
  });

  it('names the bad field of an invalid frame, at most 200 characters', () => {
    const { audit, acted } = intake({ ch: 'broker', t: 'token.request', id: '', endpoint: 'vc1' });
    assert.equal(acted(), 0);
    assert.equal(audit.length, 1);
    assert.deepEqual({ ...audit[0], reason: undefined }, { event: 'frame.invalid', server: 'vsphere', pid: 4242, code: 'invalid', reason: undefined });
    assert.match(audit[0]!.reason!, /^id: /);
    const long = intake({ ch: 'broker', t: 'token.request', id: 'x', endpoint: 'vc1', ['k'.repeat(300)]: 1 });
    assert.ok(long.audit[0]!.reason!.length <= 200, long.audit[0]!.reason);
    const top = intake('not a frame');
    assert.match(top.audit[0]!.reason!, /^\(frame\): /);
  });

  it('audits a handler that fails as a bug, and never throws', async () => {
    const { audit, acted } = intake({ ch: 'broker', t: 'token.request', id: '1', endpoint: 'vc1' }, async () => { throw new Error('boom'); });
    await new Promise((r) => setImmediate(r));
    assert.equal(acted(), 1);
    assert.deepEqual(audit, [{ event: 'frame.invalid', server: 'vsphere', pid: 4242, code: 'bug', reason: 'token handler failed unexpectedly' }]);
  });

  it('audits a frame whose getter throws while being serialised as oversized, and one that throws while validated as a bug', () => {
    const throwsOnRead = { get ch(): string { throw new Error('gotcha'); } };
    assert.equal(intake(throwsOnRead).audit[0]?.code, 'oversized');
    // Serialises small (toJSON), then throws when validation reads it.
    const throwsLater = { toJSON: () => ({}), get t(): string { throw new Error('gotcha'); } };
    const audit: AuditInput[] = [];
    assert.doesNotThrow(() => acceptBrokerFrame(recordingLink('vsphere'), throwsLater, { append: (r) => void audit.push(r) }, async () => undefined));
    assert.deepEqual(audit, [{ event: 'frame.invalid', server: 'vsphere', pid: 4242, code: 'bug', reason: 'frame intake failed unexpectedly' }]);
  });
});
