import { AppServices } from '../../src/main/app-services.js';
import type { Keychain } from '../../src/platform/keychain/keychain.js';
import { FakeUpstreamLogin } from '../mocks/fake-upstream-login.js';
import type { HomeKeychain } from '../support/home-keychain.js';

/**
 * Settings' services on the home's real keychain, whose collection is locked right after the next
 * read once `lockAfterNextRead()` is called: a save's binding write then really fails at the
 * Secret Service (D255, D270). Shared by the add and the edit cases, which need a file each (one
 * private Secret Service per process).
 */
export function servicesLockingAfterRead(world: HomeKeychain, password: string): { services: AppServices; lockAfterNextRead: () => void } {
  const { ss, home, keychain } = world;
  let lockAfterRead = false;
  const locking: Keychain = {
    get: async (a) => {
      const item = await keychain.get(a);
      if (lockAfterRead) {
        lockAfterRead = false;
        await ss.lock();
      }
      return item;
    },
    delete: (a) => keychain.delete(a),
    set: (a, s) => keychain.set(a, s),
  };
  const login = new FakeUpstreamLogin(password);
  const services = new AppServices({
    home, keychain: locking, logins: { vsphere: login, p6: login },
    host: { reloadConfig: async () => ({ endpoints: 0 }) },
    installInClaude: async () => ({ configPath: '/c.json', changes: [] }),
  });
  return { services, lockAfterNextRead: () => { lockAfterRead = true; } };
}
