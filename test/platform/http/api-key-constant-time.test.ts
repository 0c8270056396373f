// Security rule (issue 12): the API key is compared in constant time BY CONSTRUCTION, never
// proven by timing: every comparison goes through crypto.timingSafeEqual on two equal-length
// digests. A spy on timingSafeEqual sees each check, at the front door and in apiKeyMatches;
// an `===` on the key would skip it. (The ESLint rule in test/lint bans `===` on secrets too.)
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { apiKeyMatches, generateApiKey } from '../../../src/platform/http/api-key.js';
import { initializeBody, mcpHeaders, rawRequest, startDoor, TEST_KEY } from './http-test-kit.js';

let spy: ReturnType<typeof mock.method<typeof crypto, 'timingSafeEqual'>>;
beforeEach(() => {
  spy = mock.method(crypto, 'timingSafeEqual');
  syncBuiltinESMExports(); // Named imports of node:crypto now see the spy too.
});
afterEach(() => {
  mock.restoreAll();
  syncBuiltinESMExports();
});

/** Every call of the spy compared two 32-byte digests. */
function assertDigestCompares(calls: number): void {
  assert.equal(spy.mock.callCount(), calls, 'each key check goes through timingSafeEqual');
  for (const c of spy.mock.calls) {
    const [a, b] = c.arguments as unknown as [Buffer, Buffer];
    assert.deepEqual([a.length, b.length], [32, 32]);
  }
}

describe('API key comparison is constant-time by construction', () => {
  it('apiKeyMatches compares SHA-256 digests with timingSafeEqual, whatever the candidate', () => {
    const key = generateApiKey();
    const candidates = [key, key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), 'k', key + key, 'x'.repeat(10_000), ''];
    const results = candidates.map((c) => apiKeyMatches(c, key));
    assert.deepEqual(results, [true, false, false, false, false, false]);
    assertDigestCompares(candidates.length);
  });

  it('the front door checks a presented key only through timingSafeEqual', async () => {
    const { door } = await startDoor();
    try {
      for (const key of [TEST_KEY.slice(0, -1) + 'X', 'k']) {
        const res = await rawRequest(door.port, { headers: mcpHeaders({ 'x-api-key': key }), body: initializeBody() });
        assert.equal(res.status, 401);
      }
      assertDigestCompares(2);
      const ok = await rawRequest(door.port, { headers: mcpHeaders(), body: initializeBody() });
      assert.equal(ok.status, 200);
      assertDigestCompares(3);
    } finally {
      await door.close();
    }
  });
});
