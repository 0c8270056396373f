import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipcChannels } from '../../../src/core/common/contracts/ipc-channels.js';
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
});
