import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipcChannels } from '../../../src/base/contracts/ipc-channels.js';
import type { AppServices } from '../../../src/main/app-services.js';
import { IpcRouter } from '../../../src/main/ipc/handle.js';
import { registerHandlers, type HandlerHost } from '../../../src/main/ipc/register-handlers.js';
import { FakeIpcMain } from '../../mocks/electron.js';

describe('registerHandlers()', () => {
  it('handles every channel of the contract, each behind the sender and payload checks', async () => {
    const ipc = new FakeIpcMain();
    const router = new IpcRouter(ipc);
    const decided: unknown[] = [];
    const host: HandlerHost = {
      status: async () => ({ host: { running: true, home: '/h' }, endpoints: [], children: [], pendingApprovals: 0 }),
      lock: async () => ({ locked: [] }),
      restartServer: async () => undefined,
      listApprovals: () => [],
      decideApproval: (id, d) => void decided.push([id, d]),
      fitPopup: (height) => Math.min(height, 600),
    };
    registerHandlers(router, host, {} as AppServices);
    assert.deepEqual([...ipc.handlers.keys()].sort(), Object.keys(ipcChannels).sort());
    for (const channel of Object.keys(ipcChannels)) {
      const res = (await ipc.invoke(channel, {}, 'https://evil.example/')) as { ok: boolean };
      assert.equal(res.ok, false, channel);
    }
    assert.deepEqual(await ipc.invoke('approvals:decide', { id: '3f9a2c1e', decision: 'deny' }, 'app://keybroker/popup.html'), { ok: true, value: { decided: '3f9a2c1e' } });
    assert.deepEqual(decided, [['3f9a2c1e', 'deny']]);
    router.dispose();
    assert.equal(ipc.handlers.size, 0);
  });

  it('lets only the popup page resize the popup, with a validated height', async () => {
    const ipc = new FakeIpcMain();
    const router = new IpcRouter(ipc);
    const fits: number[] = [];
    const host = { fitPopup: (height: number) => (fits.push(height), Math.min(height, 600)) } as unknown as HandlerHost;
    registerHandlers(router, host, {} as AppServices);
    assert.deepEqual(await ipc.invoke('popup:fit', { height: 900 }, 'app://keybroker/popup.html'), { ok: true, value: { height: 600 } });
    // Security: the settings page is one of ours, but it has no business resizing the popup.
    const fromSettings = (await ipc.invoke('popup:fit', { height: 300 }, 'app://keybroker/settings.html')) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(fromSettings.ok, false);
    assert.match(fromSettings.error.message, /only popup\.html may send it/);
    for (const bad of [{ height: -1 }, { height: 1.5 }, { height: '300' }, { height: 300, x: 1 }, {}]) {
      const res = (await ipc.invoke('popup:fit', bad, 'app://keybroker/popup.html')) as { ok: boolean };
      assert.equal(res.ok, false, JSON.stringify(bad));
    }
    assert.deepEqual(fits, [900]);
    router.dispose();
  });
});
