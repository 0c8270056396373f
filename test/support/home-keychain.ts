// A private Secret Service (gnome-keyring on its own bus, test/support/secret-service.ts) and a
// KeyBroker home whose keychain it holds, for the tests of one `describe`: started in its
// `before`, stopped and removed in its `after`. One place for the set-up the keychain's crash and
// failure tests share.
import { after, before } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Keychain } from '../../src/platform/keychain/keychain.js';
import { openHomeKeychain } from '../../src/platform/keychain/open-home-keychain.js';
import { startSecretService, type SecretService } from './secret-service.js';

export interface HomeKeychain {
  readonly ss: SecretService;
  readonly home: string;
  readonly keychain: Keychain;
}

/** Call inside a `describe`; read the fields inside its tests (they are set in its `before`). */
export function useHomeKeychain(tmpPrefix: string): HomeKeychain {
  let ss: SecretService | undefined;
  let home: string | undefined;
  let keychain: Keychain | undefined;
  before(async () => {
    ss = await startSecretService();
    ss.apply();
    home = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    ({ keychain } = await openHomeKeychain(home));
  });
  after(async () => {
    await ss?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is set up in the describe's before(): read it inside a test`);
    return value;
  };
  return {
    get ss() { return ready(ss, 'the Secret Service'); },
    get home() { return ready(home, 'the home'); },
    get keychain() { return ready(keychain, 'the keychain'); },
  };
}
