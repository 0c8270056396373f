import crypto from 'node:crypto';
import type { Keychain } from '../keychain/keychain.js';

/** The keychain account (in the home's namespace) that holds the checkpoint signing key. */
export const CHECKPOINT_KEY_ACCOUNT = 'audit:checkpoint-key';

/** What a checkpoint signs: the chain head (the checkpoint line's `prev`) and its `ts`. */
export function checkpointMessage(prev: string, ts: string): Buffer {
  return Buffer.from(`keybroker audit checkpoint v1\n${prev}\n${ts}`);
}

/** An Ed25519 key that signs and checks audit checkpoints. Never serialised to disk. */
export interface CheckpointKey {
  /** 16 hex of the SHA-256 of the public key (SPKI DER). */
  readonly keyId: string;
  sign(prev: string, ts: string): string;
  verify(prev: string, ts: string, sig: string): boolean;
}

/** The key from its keychain form (base64 PKCS#8 DER of an Ed25519 private key). */
export function checkpointKeyFrom(secret: string): CheckpointKey {
  const privateKey = crypto.createPrivateKey({ key: Buffer.from(secret, 'base64'), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the keychain item ${CHECKPOINT_KEY_ACCOUNT} is not an Ed25519 key; delete it and restart KeyBroker to make a new one`);
  const publicKey = crypto.createPublicKey(privateKey);
  const keyId = crypto.hash('sha256', publicKey.export({ format: 'der', type: 'spki' }), 'hex').slice(0, 16);
  return {
    keyId,
    sign: (prev, ts) => crypto.sign(null, checkpointMessage(prev, ts), privateKey).toString('base64'),
    verify: (prev, ts, sig) => {
      try {
        return crypto.verify(null, checkpointMessage(prev, ts), publicKey, Buffer.from(sig, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

/**
 * The home's checkpoint key from the keychain, made (and stored there) on first use.
 * Security: the private key lives only in the keychain item and in memory; it is never
 * written to a file, the audit or a log (issue 14 item 4).
 */
export async function loadOrCreateCheckpointKey(keychain: Pick<Keychain, 'get' | 'set'>): Promise<CheckpointKey> {
  const stored = await keychain.get(CHECKPOINT_KEY_ACCOUNT);
  if (stored !== undefined) return checkpointKeyFrom(stored);
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const secret = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  await keychain.set(CHECKPOINT_KEY_ACCOUNT, secret);
  return checkpointKeyFrom(secret);
}

/** The home's checkpoint key if the keychain holds one (verify never makes one). */
export async function readCheckpointKey(keychain: Pick<Keychain, 'get'>): Promise<CheckpointKey | undefined> {
  const stored = await keychain.get(CHECKPOINT_KEY_ACCOUNT);
  return stored === undefined ? undefined : checkpointKeyFrom(stored);
}
