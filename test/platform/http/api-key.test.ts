import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_KEY_ACCOUNT, apiKeyMatches, deleteApiKey, generateApiKey, readApiKey, storeApiKey } from '../../../src/platform/http/api-key.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';

describe('generateApiKey()', () => {
  it('makes kb_ plus 32 random bytes in base64url, different every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey()));
    assert.equal(keys.size, 50);
    for (const key of keys) {
      assert.match(key, /^kb_[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(key.slice(3), 'base64url').length, 32);
    }
  });
});

describe('apiKeyMatches()', () => {
  it('is true only for the exact key', () => {
    const key = generateApiKey();
    assert.equal(apiKeyMatches(key, key), true);
    assert.equal(apiKeyMatches(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), key), false);
    assert.equal(apiKeyMatches(key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase(), key), false);
  });

  it('is false, never throwing, for candidates of other lengths or none', () => {
    const key = generateApiKey();
    for (const candidate of ['', 'k', key + key, 'x'.repeat(100_000), undefined]) {
      assert.equal(apiKeyMatches(candidate, key), false);
    }
  });

  it('is false when no key is stored, even for an empty candidate', () => {
    assert.equal(apiKeyMatches('', ''), false);
    assert.equal(apiKeyMatches('anything', undefined), false);
  });
});

describe('keychain storage', () => {
  it(`stores, reads and deletes the key under the account ${API_KEY_ACCOUNT}`, async () => {
    const keychain = new MemoryKeychain();
    assert.equal(await readApiKey(keychain), undefined);
    await storeApiKey(keychain, 'kb_one');
    assert.equal(keychain.items.get('http:api-key'), 'kb_one');
    assert.equal(await readApiKey(keychain), 'kb_one');
    assert.equal(await deleteApiKey(keychain), true);
    assert.equal(await readApiKey(keychain), undefined);
    assert.equal(await deleteApiKey(keychain), false);
  });

  it('treats an empty keychain item as no key', async () => {
    const keychain = new MemoryKeychain();
    keychain.items.set(API_KEY_ACCOUNT, '');
    assert.equal(await readApiKey(keychain), undefined);
  });
});
