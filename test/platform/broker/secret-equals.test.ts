// secretEquals: equal only for the same string, false (never a throw) for other lengths, and
// always through timingSafeEqual on two 32-byte digests (a spy proves it, never a timing).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it, mock } from 'node:test';
import { secretEquals } from '../../../src/platform/broker/secret-equals.js';

describe('secretEquals()', () => {
  it('is true only for the same string, false for any other, of any length', () => {
    assert.equal(secretEquals('tok-1', 'tok-1'), true);
    for (const other of ['tok-2', 'tok-', 'tok-11', '', 'TOK-1', 'x'.repeat(10_000)]) assert.equal(secretEquals(other, 'tok-1'), false, other);
    assert.equal(secretEquals('', ''), true);
    assert.equal(secretEquals('é', 'e\u0301'), false, 'no Unicode normalisation: bytes decide');
  });

  it('compares 32-byte SHA-256 digests with timingSafeEqual', () => {
    const spy = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    try {
      secretEquals('short', 'a much longer token value');
      assert.equal(spy.mock.callCount(), 1);
      const [a, b] = spy.mock.calls[0]!.arguments as unknown as [Buffer, Buffer];
      assert.deepEqual(a, crypto.createHash('sha256').update('short').digest());
      assert.deepEqual(b, crypto.createHash('sha256').update('a much longer token value').digest());
    } finally {
      mock.restoreAll();
      syncBuiltinESMExports();
    }
  });
});
