import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IpcRouter, sendEvent } from '../../../src/main/ipc/handle.js';
import { isTrustedSenderUrl } from '../../../src/main/ipc/trusted-sender.js';
import { ipcChannels } from '../../../src/base/contracts/ipc-channels.js';
import { FakeIpcMain, FakeWebContents } from '../../mocks/electron.js';

const TRUSTED = 'app://keybroker/popup.html';

function setup() {
  const ipc = new FakeIpcMain();
  const router = new IpcRouter(ipc);
  const calls: unknown[] = [];
  router.handle('approvals:decide', (req) => {
    calls.push(req);
    return { decided: req.id };
  });
  return { ipc, router, calls };
}

describe('IpcRouter.handle()', () => {
  it('answers a valid request from our app:// page', async () => {
    const { ipc, calls, router } = setup();
    const res = await ipc.invoke('approvals:decide', { id: '3f9a2c1e', decision: 'allow-once' }, TRUSTED);
    assert.deepEqual(res, { ok: true, value: { decided: '3f9a2c1e' } });
    assert.deepEqual(calls, [{ id: '3f9a2c1e', decision: 'allow-once' }]);
    router.dispose();
  });

  for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://keybroker.evil/popup.html', 'app://evil/popup.html', 'http://keybroker/', 'app://user:pw@keybroker/x.html', '', null]) {
    it(`refuses sender ${JSON.stringify(url)} without calling the handler`, async () => {
      const { ipc, calls, router } = setup();
      const res = (await ipc.invoke('approvals:decide', { id: '3f9a2c1e', decision: 'deny' }, url)) as { ok: boolean; error: { code: string } };
      assert.equal(res.ok, false);
      assert.equal(res.error.code, 'CORE_CONTRACT_VIOLATION');
      assert.deepEqual(calls, []);
      router.dispose();
    });
  }

  for (const [name, payload] of [
    ['a bad id', { id: '../../x', decision: 'deny' }],
    ['an unknown decision', { id: '3f9a2c1e', decision: 'allow-forever' }],
    ['an extra field', { id: '3f9a2c1e', decision: 'deny', admin: true }],
    ['a string', 'deny'],
    ['nothing', undefined],
  ] as const) {
    it(`rejects ${name} with ContractViolationError`, async () => {
      const { ipc, calls, router } = setup();
      const res = (await ipc.invoke('approvals:decide', payload, TRUSTED)) as { ok: boolean; error: { code: string; message: string } };
      assert.equal(res.ok, false);
      assert.equal(res.error.code, 'CORE_CONTRACT_VIOLATION');
      assert.match(res.error.message, /approvals:decide refused/);
      assert.deepEqual(calls, []);
      router.dispose();
    });
  }

  it('sends handler errors as { code, message }, never an Error object', async () => {
    const ipc = new FakeIpcMain();
    const router = new IpcRouter(ipc);
    router.handle('status:get', () => {
      throw new Error('host stopped\nstack line');
    });
    const res = await ipc.invoke('status:get', {}, TRUSTED);
    assert.deepEqual(res, { ok: false, error: { code: 'MAIN_FAILED', message: 'host stopped' } });
    router.dispose();
  });

  it('removes every handler on dispose (nothing leaks)', () => {
    const { ipc, router } = setup();
    router.handle('status:get', () => {
      throw new Error('unused');
    });
    assert.equal(ipc.handlers.size, 2);
    router.dispose();
    assert.equal(ipc.handlers.size, 0);
  });

  it('every channel has request and response schemas', () => {
    for (const [name, c] of Object.entries(ipcChannels)) {
      assert.ok(c.req && c.res, name);
      assert.match(name, /^[a-z]+(:[a-z-]+)?$/);
    }
  });
});

describe('sendEvent()', () => {
  it('validates the payload and skips destroyed targets', () => {
    const wc = new FakeWebContents();
    sendEvent(wc, 'approvals:changed', []);
    assert.deepEqual(wc.sent, [{ channel: 'approvals:changed', args: [[]] }]);
    assert.throws(() => sendEvent(wc, 'approvals:changed', [{ id: 'nope' }] as never), { name: 'ContractViolationError' });
    wc.destroyed = true;
    sendEvent(wc, 'approvals:changed', []);
    assert.equal(wc.sent.length, 1);
  });
});

describe('isTrustedSenderUrl()', () => {
  it('accepts only app://keybroker pages', () => {
    assert.equal(isTrustedSenderUrl('app://keybroker/settings.html'), true);
    assert.equal(isTrustedSenderUrl('app://keybroker/settings.html#x'), true);
    assert.equal(isTrustedSenderUrl('not a url'), false);
    assert.equal(isTrustedSenderUrl(undefined), false);
  });

  it('Security: refuses look-alikes of our pages: user info, another host or scheme, a port', () => {
    for (const url of ['app://evil@keybroker/popup.html', 'app://:secret@keybroker/popup.html', 'app://user:pw@keybroker/popup.html', 'app://keybroker.evil/popup.html', 'app://keybroker:8080/popup.html', 'apps://keybroker/popup.html', 'https://keybroker/popup.html', 'file:///keybroker/popup.html', '']) {
      assert.equal(isTrustedSenderUrl(url), false, url);
    }
  });
});
