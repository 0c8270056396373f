// mapKeyringError details that mutation testing showed unguarded (docs/TESTING.md): the
// detail is one line, the cause is dropped exactly when some message in its chain (eight
// deep) carries the secret, the platform given is the one advised for, and only messages
// that START with the known prefixes mean "unavailable".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeychainError } from '../../../src/platform/keychain/keychain-error.js';
import { KeychainUnavailableError, keychainUnavailableHint } from '../../../src/platform/keychain/keychain-unavailable-error.js';
import { mapKeyringError } from '../../../src/platform/keychain/map-keyring-error.js';

const SECRET = 'hunter2-secret';
const ctx = { operation: 'store', account: 'vc-prod', platform: 'linux' } as const;
/** `message` wrapped `depth` times, the innermost first. */
const chain = (inner: string, depth: number): Error => {
  let e = new Error(inner);
  for (let i = 0; i < depth; i++) e = new Error(`wrap ${i}`, { cause: e });
  return e;
};

describe('mapKeyringError() details', () => {
  it('collapses whitespace into one trimmed line', () => {
    const err = mapKeyringError(new Error('  Item\n  is   ambiguous\t\n'), ctx);
    assert.ok(err instanceof KeychainError, 'the error is a KeychainError');
    assert.equal(err.detail, 'Item is ambiguous');
  });

  it('keeps the original cause when no message in its chain holds the secret', () => {
    const raw = chain('Platform failure: nothing secret', 3);
    const err = mapKeyringError(raw, { ...ctx, secret: SECRET });
    assert.equal(err.cause, raw);
    assert.equal(mapKeyringError(raw, { ...ctx, secret: '' }).cause, raw, 'an empty secret leaks nothing');
    assert.equal(mapKeyringError(raw, ctx).cause, raw);
    // Without a secret nothing can leak, even a message that happens to say "undefined".
    const says = new Error('Platform failure: handle is undefined');
    assert.equal(mapKeyringError(says, ctx).cause, says);
  });

  it('drops a cause whose chain holds the secret anywhere in the first eight messages', () => {
    for (const depth of [0, 3, 7]) {
      const raw = chain(`Platform failure: echoed ${SECRET}`, depth);
      const err = mapKeyringError(raw, { ...ctx, secret: SECRET });
      assert.notEqual(err.cause, raw, `depth ${depth}`);
      assert.ok(!JSON.stringify({ m: err.message, d: (err as KeychainUnavailableError).detail, c: String((err.cause as Error).message) }).includes(SECRET), 'neither message, detail nor cause holds the secret');
    }
    // Only the outermost message said it: the cause still goes.
    const outer = new Error(`Platform failure: ${SECRET}`, { cause: new Error('clean') });
    assert.notEqual(mapKeyringError(outer, { ...ctx, secret: SECRET }).cause, outer);
    // Beyond eight levels the chain is not searched (a bound, not a guarantee for absurd chains).
    const deep = chain(`echoed ${SECRET}`, 8);
    assert.equal(mapKeyringError(deep, { ...ctx, secret: SECRET }).cause, deep);
  });

  it('gives the advice of the platform it is told, not of this machine', () => {
    const err = mapKeyringError(new Error('Platform failure: no store'), { ...ctx, platform: 'darwin' });
    assert.ok(err instanceof KeychainUnavailableError, 'a missing store is KeychainUnavailableError');
    assert.equal(err.message, `Keychain unavailable: ${keychainUnavailableHint('darwin', 'unreachable')}`);
    const locked = mapKeyringError(new Error("Couldn't access platform storage: prompt dismissed"), { ...ctx, platform: 'win32' });
    assert.equal(locked.message, `Keychain unavailable: ${keychainUnavailableHint('win32', 'locked')}`);
    assert.equal(locked.cause instanceof Error && locked.cause.message, "Couldn't access platform storage: prompt dismissed");
  });

  it('treats "No default store" as unavailable only at the start of the message', () => {
    const raw = new Error('No default store');
    const err = mapKeyringError(raw, ctx);
    assert.ok(err instanceof KeychainUnavailableError && err.reason === 'unreachable', 'No default store at the start is unavailable (unreachable)');
    assert.equal(err.cause, raw);
    assert.ok(mapKeyringError(new Error('weird: No default store'), ctx) instanceof KeychainError, 'No default store inside the message is a plain KeychainError');
  });
});
