import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Keychain } from '../keychain/keychain.js';

/** The keychain account (service `KeyBroker`) that holds the HTTP front door's API key. */
export const API_KEY_ACCOUNT = 'http:api-key';

/** Every generated key starts with this, so a leaked one is recognisable in a secret scanner. */
export const API_KEY_PREFIX = 'kb_';

/** Random bytes behind a key: 256 bits, far beyond guessing even without the rate limit. */
const API_KEY_BYTES = 32;

/** A fresh API key: `kb_` and 32 random bytes as base64url (46 characters in all). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(API_KEY_BYTES).toString('base64url');
}

/** The stored API key, or undefined when `keybroker http enable` has not made one yet. */
export async function readApiKey(keychain: Keychain): Promise<string | undefined> {
  const key = await keychain.get(API_KEY_ACCOUNT);
  // An empty item is as good as none: accepting it would let an empty header through.
  return key === undefined || key.length === 0 ? undefined : key;
}

/** Create or replace the stored API key. */
export async function storeApiKey(keychain: Keychain, key: string): Promise<void> {
  await keychain.set(API_KEY_ACCOUNT, key);
}

/** Delete the stored API key; true when there was one. */
export async function deleteApiKey(keychain: Keychain): Promise<boolean> {
  return keychain.delete(API_KEY_ACCOUNT);
}

/**
 * SHA-256 of a key. The front door binds sessions and rate-limit buckets to this digest
 * instead of keeping a second copy of the key itself.
 */
export function apiKeyDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest(); // Strings are hashed as UTF-8.
}

/**
 * True when `candidate` is `expected`, in time independent of where they differ.
 *
 * Security: both sides are hashed first, so `timingSafeEqual` always compares 32 bytes and
 * neither the key's length nor a common prefix shows in the timing; a candidate of any
 * length (or none) is simply false, never an exception.
 */
export function apiKeyMatches(candidate: string | undefined, expected: string | undefined): boolean {
  if (candidate === undefined || expected === undefined || expected.length === 0) return false;
  return timingSafeEqual(apiKeyDigest(candidate), apiKeyDigest(expected));
}
