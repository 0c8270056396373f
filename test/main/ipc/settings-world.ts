// The settings window's side of main, as the endpoint attack tests drive it: the real
// AppServices on a temp home with an in-memory keychain, the real IPC router and handlers, and
// invokes sent from the settings page. Not a test file (no .test.ts): shared set-up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppServices } from '../../../src/main/app-services.js';
import { IpcRouter } from '../../../src/main/ipc/handle.js';
import { registerHandlers, type HandlerHost } from '../../../src/main/ipc/register-handlers.js';
import { FakeIpcMain } from '../../mocks/electron.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';

/** The page an invoke comes from. */
export const SETTINGS = 'app://keybroker/settings.html';

/** What an invoke answers. */
export type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

export interface SettingsWorld {
  readonly home: string;
  readonly keychain: MemoryKeychain;
  readonly services: AppServices;
  /** `channel` invoked with `payload` from the settings page. */
  invoke(channel: string, payload: unknown): Promise<Answer>;
  /** Unregister the handlers and remove the home. */
  dispose(): void;
}

/** A fresh home named `<tmp>/<prefix>…`; every upstream login succeeds (FakeUpstreamLogin 'right'). */
export function startSettingsWorld(prefix: string): SettingsWorld {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const keychain = new MemoryKeychain();
  const login = new FakeUpstreamLogin('right');
  const services = new AppServices({
    home, keychain, logins: { vsphere: login, p6: login },
    host: { reloadConfig: async () => ({ endpoints: 0 }) },
    installInClaude: async () => ({ configPath: '/c.json', changes: [] }),
  });
  const ipc = new FakeIpcMain();
  const router = new IpcRouter(ipc);
  registerHandlers(router, {} as HandlerHost, services);
  return {
    home, keychain, services,
    invoke: async (channel, payload) => (await ipc.invoke(channel, payload, SETTINGS)) as Answer,
    dispose: () => {
      router.dispose();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
