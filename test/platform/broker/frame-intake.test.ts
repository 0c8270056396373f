import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { acceptBrokerFrame } from '../../../src/platform/broker/frame-intake.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { MAX_FRAME_BYTES, type ChildToHostBroker } from '../../../src/base/contracts/token-protocol.js';
import { makeBroker, recordingLink } from './broker-harness.js';

function intake(raw: unknown) {
  const audit: AuditInput[] = [];
  const acted: ChildToHostBroker[] = [];
  acceptBrokerFrame(recordingLink('vsphere'), raw, { append: (r) => void audit.push(r) }, async (f) => void acted.push(f));
  return { audit, acted };
}

const validFrame = fc.oneof(
  fc.record({ ch: fc.constant('broker'), t: fc.constant('token.request'), id: fc.string({ minLength: 1, maxLength: 64 }), endpoint: fc.constantFrom('vc1', 'pm', 'nope') }),
  fc.record({ ch: fc.constant('broker'), t: fc.constant('token.renew'), id: fc.string({ minLength: 1, maxLength: 64 }), endpoint: fc.constantFrom('vc1', 'pm', 'nope'), stale: fc.string({ minLength: 1, maxLength: 200 }) }),
);

describe('acceptBrokerFrame()', () => {
  it('never throws, and drops and audits whatever is not a valid frame', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true }), (raw) => {
      const { audit, acted } = intake(raw);
      assert.equal(acted.length + audit.length, 1, 'exactly one of: acted on, or audited');
      if (audit.length) assert.equal(audit[0]?.event, 'frame.invalid');
    }), { numRuns: 2000 });
  });

  it('acts on every valid frame exactly once, with the parsed frame', () => {
    fc.assert(fc.property(validFrame, (raw) => {
      const { audit, acted } = intake(raw);
      assert.deepEqual(audit, []);
      assert.deepEqual(acted, [{ ...raw }]); // fast-check builds null-prototype records
    }), { numRuns: 1000 });
  });

  it('drops a frame over 64 KiB before validating it, and says so', () => {
    const { audit, acted } = intake({ ch: 'broker', t: 'token.renew', id: 'x', endpoint: 'vc1', stale: 'a'.repeat(MAX_FRAME_BYTES) });
    assert.equal(acted.length, 0);
    assert.equal(audit[0]?.code, 'oversized');
  });

  it('drops frames that cannot be serialised (cycles, BigInt) without throwing', () => {
    const cyclic: Record<string, unknown> = { ch: 'broker', t: 'token.request', id: '1', endpoint: 'vc1' };
    cyclic['self'] = cyclic;
    for (const raw of [cyclic, { ch: 'broker', t: 'token.request', id: 1n, endpoint: 'vc1' }]) {
      const { audit, acted } = intake(raw);
      assert.equal(acted.length, 0);
      assert.equal(audit[0]?.code, 'oversized');
    }
  });

  it('never puts the offending value in the audit line', () => {
    const secret = 'hunter2-session-cookie-value';
    const { audit } = intake({ ch: 'broker', t: 'token.renew', id: 'x', endpoint: 'vc1', stale: secret, extra: secret });
    assert.equal(audit.length, 1);
    assert.ok(!JSON.stringify(audit).includes(secret), 'the audit of a bad frame never holds its values');
  });

  it('through the broker, answers every valid frame that needs no prompt', async () => {
    await fc.assert(fc.asyncProperty(fc.array(validFrame, { minLength: 1, maxLength: 20 }), async (frames) => {
      const { broker } = makeBroker();
      const link = recordingLink('p6'); // vc1 is not_allowed for p6, nope is invalid: no prompt needed
      const handle = broker.attachChild(link);
      const usable = frames.filter((f) => f.endpoint !== 'pm').map((f, i) => ({ ...f, id: `id${i}` }));
      for (const f of usable) handle.accept(f);
      for (let i = 0; i < 50 && link.frames.length < usable.length; i++) await new Promise((r) => setImmediate(r));
      assert.deepEqual(link.frames.map((f) => (f.t === 'token.deny' ? f.id : '?')).sort(), usable.map((f) => f.id).sort());
      broker.dispose();
    }), { numRuns: 100 });
  });
});
