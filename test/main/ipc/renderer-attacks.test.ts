// R9-attack: a compromised renderer calls main's IPC handlers with crafted values, through
// the real router and handlers (no Electron binary runs here: test/mocks/electron.ts stands in
// for ipcMain, and the sender frame is what Electron would report). The popup shows what
// clients and server children wrote, so it is the likelier page to be compromised; it must
// reach only the approval channels, and the settings window must not answer approvals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/base/contracts/approval.js';
import { ipcChannels, type IpcChannel } from '../../../src/base/contracts/ipc-channels.js';
import type { AppServices } from '../../../src/main/app-services.js';
import { IpcRouter } from '../../../src/main/ipc/handle.js';
import { CHANNEL_PAGES, registerHandlers, type HandlerHost } from '../../../src/main/ipc/register-handlers.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { FakeIpcMain } from '../../mocks/electron.js';

const POPUP = 'app://keybroker/popup.html';
const SETTINGS = 'app://keybroker/settings.html';

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** Handlers over a real approval queue; every other host or service call is recorded, never run. */
function rig() {
  const ipc = new FakeIpcMain();
  const router = new IpcRouter(ipc);
  const pending = new PendingApprovals();
  const reached: string[] = [];
  const recorder = <T extends object>(what: string) => new Proxy({} as T, { get: (_t, name) => (...args: unknown[]) => { reached.push(`${what}.${String(name)}`); void args; return undefined; } });
  const host: HandlerHost = {
    ...recorder<HandlerHost>('host'),
    status: async () => { reached.push('host.status'); return { host: { running: true, home: '/h' }, endpoints: [], children: [], pendingApprovals: 0 }; },
    lock: async () => { reached.push('host.lock'); return { locked: [] }; },
    restartServer: async () => void reached.push('host.restartServer'),
    listApprovals: () => pending.list(),
    decideApproval: (id, decision) => pending.decide(id, decision),
    fitPopup: (h) => (reached.push('host.fitPopup'), h),
  };
  registerHandlers(router, host, recorder<AppServices>('services'));
  const invoke = async (channel: string, payload: unknown, url: string, parent: { url: string } | null = null) => (await ipc.invoke(channel, payload, url, parent)) as Answer;
  const request = (id: string): Promise<string> => pending.request({
    id, client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
    subject: { kind: 'tool', tool: 'vsphere_power_off_vm', argsPreview: '{}', changes: true },
    createdAt: 0, expiresAt: 60_000,
  } satisfies ApprovalRequest, new AbortController().signal);
  return { invoke, pending, reached, request, dispose: () => { router.dispose(); pending.dispose(); } };
}

describe('the main IPC handlers against a compromised renderer (R9-attack)', () => {
  it('names one page for every channel of the contract', () => {
    assert.deepEqual(Object.keys(CHANNEL_PAGES).sort(), Object.keys(ipcChannels).sort());
    assert.deepEqual(Object.entries(CHANNEL_PAGES).filter(([, p]) => p === 'popup.html').map(([c]) => c).sort(), ['approvals:decide', 'approvals:list', 'popup:fit']);
  });

  it('Security: the popup page reaches no settings channel: it cannot reveal or replace the API key, change an endpoint, the CORS list or power settings, lock, restart or read the audit', async () => {
    const r = rig();
    try {
      for (const [channel, page] of Object.entries(CHANNEL_PAGES) as Array<[IpcChannel, string]>) {
        if (page !== 'settings.html') continue;
        const res = await r.invoke(channel, {}, POPUP);
        assert.equal(res.ok, false, `${channel} answered the popup`);
        if (!res.ok) assert.match(res.error.message, new RegExp(`IPC ${channel} refused: only settings\\.html may send it`));
      }
      assert.deepEqual(r.reached, []);
      // Control: the settings page reaches them.
      assert.equal((await r.invoke('http:reveal-key', {}, SETTINGS)).ok, true);
      assert.deepEqual(r.reached, ['services.revealApiKey']);
    } finally {
      r.dispose();
    }
  });

  it('Security: the settings page cannot list or answer a pending write; it stays pending for the popup', async () => {
    const r = rig();
    try {
      const decision = r.request('3f9a2c1e');
      for (const d of ['allow-once', 'allow-ttl', 'deny']) {
        const res = await r.invoke('approvals:decide', { id: '3f9a2c1e', decision: d }, SETTINGS);
        assert.equal(res.ok, false, `settings answered ${d}`);
        if (!res.ok) assert.match(res.error.message, /only popup\.html may send it/);
      }
      assert.equal((await r.invoke('approvals:list', {}, SETTINGS)).ok, false);
      assert.deepEqual(r.pending.list().map((a) => a.id), ['3f9a2c1e']);
      assert.deepEqual(await r.invoke('approvals:decide', { id: '3f9a2c1e', decision: 'deny' }, POPUP), { ok: true, value: { decided: '3f9a2c1e' } });
      assert.equal(await decision, 'deny');
    } finally {
      r.dispose();
    }
  });

  it('Security: crafted approval answers from the popup decide nothing: short, padded, upper-case or other ids, unknown decisions, extra fields, a frame inside the page', async () => {
    const r = rig();
    try {
      const decision = r.request('3f9a2c1e');
      const crafted: unknown[] = [
        { id: '3f9a', decision: 'allow-once' },
        { id: '3F9A2C1E', decision: 'allow-once' },
        { id: ' 3f9a2c1e', decision: 'allow-once' },
        { id: '3f9a2c1e0', decision: 'allow-once' },
        { id: '3f9a2c1f', decision: 'allow-once' },
        { id: ['3f9a2c1e'], decision: 'allow-once' },
        { id: '3f9a2c1e', decision: 'allow-forever' },
        { id: '3f9a2c1e', decision: 'allow-once', __proto__: { admin: true }, extra: 1 },
        JSON.parse('{"id":"3f9a2c1e","decision":"allow-once","__proto__":{"x":1}}'),
        { id: '3f9a2c1e' },
        null,
        '3f9a2c1e',
      ];
      for (const payload of crafted) {
        const res = await r.invoke('approvals:decide', payload, POPUP);
        assert.equal(res.ok, false, `accepted ${JSON.stringify(payload)}`);
      }
      for (const url of ['app://keybroker/popup.html/..', 'app://keybroker/popup.htm', 'app://keybroker/x/popup.html', 'app://keybroker.evil/popup.html', 'app://user@keybroker/popup.html', 'file:///popup.html']) {
        assert.equal((await r.invoke('approvals:decide', { id: '3f9a2c1e', decision: 'allow-once' }, url)).ok, false, url);
      }
      // A frame showing popup.html inside a page (only a renderer that ignores our CSP could make one).
      const framed = await r.invoke('approvals:decide', { id: '3f9a2c1e', decision: 'allow-once' }, POPUP, { url: SETTINGS });
      assert.equal(framed.ok, false);
      if (!framed.ok) assert.match(framed.error.message, /from a frame inside a page/);
      assert.deepEqual(r.pending.list().map((a) => a.id), ['3f9a2c1e']);
      assert.deepEqual(await r.invoke('approvals:decide', { id: '3f9a2c1e', decision: 'deny' }, POPUP), { ok: true, value: { decided: '3f9a2c1e' } });
      assert.equal(await decision, 'deny');
      // Answering twice: the second is refused, the first answer stands.
      const again = await r.invoke('approvals:decide', { id: '3f9a2c1e', decision: 'allow-once' }, POPUP);
      assert.equal(again.ok, false);
      if (!again.ok) assert.equal(again.error.code, 'CORE_APPROVAL_NOT_FOUND');
    } finally {
      r.dispose();
    }
  });

  it('each channel reaches its own operation and no other (a miswired handler is a channel that does something else)', async () => {
    const expected: Partial<Record<IpcChannel, [unknown, string]>> = {
      'status:get': [{}, 'host.status'], lock: [{}, 'host.lock'], 'kinds:list': [{}, 'services.listKinds'],
      'endpoints:list': [{}, 'services.listEndpoints'], 'endpoints:remove': [{ id: 'vc1' }, 'services.removeEndpoint'],
      'audit:query': [{}, 'services.queryAudit'], 'servers:restart': [{ name: 'vsphere' }, 'host.restartServer'],
      'http:get': [{}, 'services.httpSettings'], 'http:reveal-key': [{}, 'services.revealApiKey'],
      'http:regenerate-key': [{}, 'services.regenerateApiKey'], 'claude:install': [{}, 'services.installInClaude'],
      'cli:install': [{}, 'services.installCliTool'], 'power:get': [{}, 'services.powerSettings'],
    };
    for (const [channel, [payload, operation]] of Object.entries(expected) as Array<[IpcChannel, [unknown, string]]>) {
      const r = rig();
      try {
        await r.invoke(channel, payload, SETTINGS);
        assert.deepEqual(r.reached, [operation], channel);
      } finally {
        r.dispose();
      }
    }
  });
});
