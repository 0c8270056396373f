import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeychainError } from '../../../src/platform/keychain/keychain-error.js';
import { KeychainUnavailableError } from '../../../src/platform/keychain/keychain-unavailable-error.js';
import { mapKeyringError, redactSecret } from '../../../src/platform/keychain/map-keyring-error.js';

/** An error shaped like @napi-rs/keyring's: code GenericFailure, keyring-core's Display text as message. */
function nativeError(message: string, cause?: Error): Error {
  return Object.assign(new Error(message, { cause }), { code: 'GenericFailure' });
}

const ctx = { operation: 'store', account: 'vc-prod', platform: 'linux' } as const;

describe('mapKeyringError()', () => {
  it('maps a session bus that cannot be reached to CORE_KEYCHAIN_UNAVAILABLE (unreachable)', () => {
    const err = mapKeyringError(nativeError('Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory'), ctx);
    assert.ok(err instanceof KeychainUnavailableError, 'an unreachable bus is KeychainUnavailableError');
    assert.equal(err.code, 'CORE_KEYCHAIN_UNAVAILABLE');
    assert.equal(err.reason, 'unreachable');
    assert.match(err.message, /apt-get install gnome-keyring/);
    assert.match(err.detail, /Failed to connect to socket/);
  });

  it('maps a bus without org.freedesktop.secrets to unreachable', () => {
    const err = mapKeyringError(nativeError('Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files'), ctx);
    assert.equal(err instanceof KeychainUnavailableError && err.reason, 'unreachable');
  });

  it('maps a dismissed unlock prompt and a locked object to locked', () => {
    for (const m of ['Secret Service: unlock prompt was dismissed', 'Secret Service: object locked']) {
      const err = mapKeyringError(nativeError(`Couldn't access platform storage: ${m}`), ctx);
      assert.equal(err instanceof KeychainUnavailableError && err.reason, 'locked', m);
      assert.match(err.message, /unlock the login keyring/);
    }
  });

  it('maps a missing default collection to unreachable', () => {
    const err = mapKeyringError(nativeError("Couldn't access platform storage: Secret Service: no result found"), ctx);
    assert.equal(err instanceof KeychainUnavailableError && err.reason, 'unreachable');
  });

  it('maps anything else to CORE_KEYCHAIN_FAILED naming the operation and credential', () => {
    const err = mapKeyringError(nativeError('Entry is matched by 2 credentials: [...]'), ctx);
    assert.ok(err instanceof KeychainError, 'any other failure is a KeychainError');
    assert.equal(err.code, 'CORE_KEYCHAIN_FAILED');
    assert.match(err.message, /^Keychain store failed for credential "vc-prod" \(Entry is matched by 2 credentials/);
  });

  it('keeps the native error as cause when it carries no secret', () => {
    const native = nativeError('Platform failure: DBus error: x');
    assert.equal(mapKeyringError(native, { ...ctx, secret: 'hunter2' }).cause, native);
  });

  it('never lets the secret through: not in message, detail, cause or its chain', () => {
    const native = nativeError('Attribute secret is invalid: hunter2 is not allowed', new Error('inner hunter2'));
    const err = mapKeyringError(native, { ...ctx, secret: 'hunter2' });
    assert.doesNotMatch(err.message, /hunter2/);
    assert.doesNotMatch((err as KeychainError).detail, /hunter2/);
    assert.notEqual(err.cause, native);
    const chain: string[] = [];
    for (let e: unknown = err; e instanceof Error; e = e.cause) chain.push(e.message, e.stack ?? '');
    assert.doesNotMatch(chain.join('\n'), /hunter2/);
    assert.deepEqual(err.toWire(), { code: 'CORE_KEYCHAIN_FAILED', message: err.message });
  });

  it('accepts non-Error throws', () => {
    assert.equal(mapKeyringError('boom', ctx).code, 'CORE_KEYCHAIN_FAILED');
  });
});

describe('redactSecret()', () => {
  it('replaces every occurrence and leaves text alone without a secret', () => {
    assert.equal(redactSecret('a pw b pw', 'pw'), 'a [redacted] b [redacted]');
    assert.equal(redactSecret('a pw', undefined), 'a pw');
    assert.equal(redactSecret('a pw', ''), 'a pw');
  });
});
