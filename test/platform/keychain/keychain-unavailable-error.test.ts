import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCoreError } from '../../../src/base/errors/core-error.js';
import { KeychainUnavailableError, keychainUnavailableHint } from '../../../src/platform/keychain/keychain-unavailable-error.js';

describe('KeychainUnavailableError', () => {
  it('is a coded core error whose one-line message says what to do on each OS', () => {
    const cases: [NodeJS.Platform, RegExp][] = [
      ['linux', /no Secret Service on the session bus: install and start gnome-keyring \(apt-get install gnome-keyring\) or KeePassXC's Secret Service, and unlock the login keyring/],
      ['darwin', /unlock .*login Keychain|login Keychain.*unlock/],
      ['win32', /Credential Manager/],
      ['freebsd', /no supported OS keychain on freebsd/],
    ];
    for (const [platform, expected] of cases) {
      const err = new KeychainUnavailableError('unreachable', 'detail', { platform });
      assert.ok(isCoreError(err), 'the error is a CoreError');
      assert.equal(err.code, 'CORE_KEYCHAIN_UNAVAILABLE');
      assert.equal(err.name, 'KeychainUnavailableError');
      assert.match(err.message, expected, platform);
      assert.doesNotMatch(err.message, /\n/);
    }
  });

  it('tells a locked Linux keyring apart from a missing one', () => {
    assert.match(keychainUnavailableHint('linux', 'locked'), /locked: unlock the login keyring/);
    assert.doesNotMatch(keychainUnavailableHint('linux', 'locked'), /install/);
  });

  it('keeps cause and detail but sends only code and message across processes', () => {
    const cause = new Error('native');
    const err = new KeychainUnavailableError('locked', 'Secret Service: object locked', { cause, platform: 'linux' });
    assert.equal(err.cause, cause);
    assert.equal(err.detail, 'Secret Service: object locked');
    assert.deepEqual(Object.keys(err.toWire()).sort(), ['code', 'message']);
  });
});
