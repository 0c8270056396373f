// X4-arming: every channel that carries a payload from a page to main (endpoint edits,
// settings, answers), through the real router wiring main uses (registerHandlers on an
// IpcRouter whose refusals go to an IpcRefusalAudit, as in main/app.ts), with the fake ipcMain
// of test/mocks/electron.ts standing in for Electron's. For each: the other page is refused, a
// frame inside the page is refused, a malformed payload is refused with one line that is
// audited (frame.invalid) and logged, and a good payload reaches its handler exactly once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditInput } from '../../../src/base/contracts/audit-event.js';
import { ipcChannels, type IpcChannel } from '../../../src/base/contracts/ipc-channels.js';
import { hasUnsafeText } from '../../../src/base/sanitize-text.js';
import type { AppServices } from '../../../src/main/app-services.js';
import { IpcRouter } from '../../../src/main/ipc/handle.js';
import { IpcRefusalAudit, MAX_AUDITED_IPC_REFUSALS } from '../../../src/main/ipc/ipc-refusal-audit.js';
import { CHANNEL_PAGES, registerHandlers, type HandlerHost } from '../../../src/main/ipc/register-handlers.js';
import { FakeIpcMain } from '../../mocks/electron.js';

const ORIGIN = 'app://keybroker/';
const PASSWORD = 'pw-X4-never-in-audit';

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

const form = { id: 'vc1', kind: 'vsphere', url: 'https://vc1.example/sdk', username: 'admin', readOnly: false, ttlSeconds: 3600, password: PASSWORD };

/** Each payload channel: a good payload, the call it must reach with what, and malformed payloads. */
const CASES: Record<string, { good: unknown; reaches: [string, unknown[]]; bad: unknown[]; answer?: unknown }> = {
  'approvals:decide': {
    good: { id: '3f9a2c1e', decision: 'deny' },
    reaches: ['host.decideApproval', ['3f9a2c1e', 'deny']],
    answer: { decided: '3f9a2c1e' },
    bad: [{ id: '3f9a2c1e', decision: 'allow-forever' }, { id: 'x\ny', decision: 'deny' }, null, 'deny'],
  },
  'popup:fit': { good: { height: 300 }, reaches: ['host.fitPopup', [300]], answer: { height: 300 }, bad: [{ height: -1 }, { height: '300' }, { height: 300, x: 1 }] },
  lock: { good: { target: 'vc1' }, reaches: ['host.lock', ['vc1']], bad: [{ target: 5 }, { target: 'x'.repeat(301) }, [] as unknown] },
  'endpoints:add': {
    good: form,
    reaches: ['services.saveEndpoint', [form, 'add']],
    bad: [
      { ...form, url: 'not a url' },
      { ...form, password: 5 },
      // Keys the page chose end up in the field path: a line break, bidi controls, 5,000 characters.
      { ...form, fields: { 'a\nb\r\nc': 'x' } },
      { ...form, fields: { 'x\u202Egnp.exe': 'x' } },
      { ...form, fields: { ['k'.repeat(5000)]: 'x' } },
      { ...form, ['extra\nkey']: 1 },
      JSON.parse(`{"id":"vc1","kind":"vsphere","url":"https://vc1.example/sdk","username":"admin","readOnly":false,"ttlSeconds":3600,"password":"${PASSWORD}","__proto__":{"admin":true}}`),
    ],
  },
  'endpoints:edit': {
    good: form,
    reaches: ['services.saveEndpoint', [form, 'edit']],
    bad: [{ ...form, kind: 'nope\u202E\n' }, { ...form, ttlSeconds: 1 }, { ...form, id: 'bad name' }],
  },
  'endpoints:remove': { good: { id: 'vc1' }, reaches: ['services.removeEndpoint', ['vc1']], bad: [{ id: '../vc1' }, { id: 'vc1', all: true }, {}] },
  'endpoints:test': {
    good: form,
    reaches: ['services.testEndpoint', [form]],
    bad: [{ ...form, password: undefined }, { ...form, username: '' }],
  },
  'audit:query': {
    good: { event: 'tool.called', text: 'vc1' },
    // The handler gets the parsed request: the default limit applied.
    reaches: ['services.queryAudit', [{ event: 'tool.called', text: 'vc1', limit: 500 }]],
    bad: [{ event: 'x\ny' }, { limit: 0 }, { text: 'x'.repeat(201) }],
  },
  'servers:restart': { good: { name: 'vsphere' }, reaches: ['host.restartServer', ['vsphere']], answer: { name: 'vsphere' }, bad: [{ name: '' }, { name: 7 }] },
  'http:set': {
    good: { enabled: true, port: 0, corsOrigins: ['https://a.example'] },
    reaches: ['services.setHttpSettings', [{ enabled: true, port: 0, corsOrigins: ['https://a.example'] }]],
    bad: [{ enabled: true, port: 70000, corsOrigins: [] }, { enabled: true, port: 0, corsOrigins: 'https://a.example' }],
  },
  'power:set': { good: { lockOnScreenLock: false }, reaches: ['services.setPowerSettings', [{ lockOnScreenLock: false }]], bad: [{}, { lockOnScreenLock: 'no' }] },
};

/** The handlers main registers, over host and services that record every call. */
function rig(max?: number) {
  const ipc = new FakeIpcMain();
  const audit: AuditInput[] = [];
  const stderr: string[] = [];
  const refusals = new IpcRefusalAudit({ append: (r) => void audit.push(r), log: (line) => void stderr.push(line), ...(max === undefined ? {} : { max }) });
  const router = new IpcRouter(ipc, { onRefused: (r) => refusals.record(r) });
  const calls: [string, unknown[]][] = [];
  const recorder = <T extends object>(what: string) => new Proxy({} as T, { get: (_t, name) => (...args: unknown[]) => (calls.push([`${what}.${String(name)}`, args]), what === 'host' && name === 'fitPopup' ? 300 : {}) });
  registerHandlers(router, recorder<HandlerHost>('host'), recorder<AppServices>('services'));
  const invoke = async (channel: string, payload: unknown, page: string, parent: { url: string } | null = null) => (await ipc.invoke(channel, payload, `${ORIGIN}${page}`, parent)) as Answer;
  return { invoke, audit, stderr, calls, dispose: () => router.dispose() };
}

/** The refusal's message, after checking it is one refusal of `channel`. */
function refused(res: Answer, channel: string, what: string): string {
  assert.equal(res.ok, false, `${channel} accepted ${what}`);
  if (res.ok) return '';
  assert.equal(res.error.code, 'CORE_CONTRACT_VIOLATION', `${channel} ${what}: code`);
  assert.ok(res.error.message.startsWith(`IPC ${channel} refused: `), `${channel} ${what}: says which channel (${res.error.message})`);
  return res.error.message;
}

describe('the payload channels through the real router wiring (X4-arming)', () => {
  it('covers every channel whose request has fields', () => {
    const withFields = (Object.keys(ipcChannels) as IpcChannel[]).filter((c) => Object.keys((ipcChannels[c].req as unknown as { shape: object }).shape).length > 0);
    assert.deepEqual(Object.keys(CASES).sort(), withFields.sort(), 'a new payload channel needs its cases here');
  });

  for (const [channel, c] of Object.entries(CASES)) {
    const own = CHANNEL_PAGES[channel as IpcChannel];
    const other = own === 'popup.html' ? 'settings.html' : 'popup.html';

    it(`${channel}: refuses the other page and a frame inside its own page, audited, before the payload is read`, async () => {
      const r = rig();
      try {
        const fromOther = refused(await r.invoke(channel, c.good, other), channel, `from ${other}`);
        assert.match(fromOther, new RegExp(`only ${own.replace('.', '\\.')} may send it$`), 'names the page that may');
        const framed = refused(await r.invoke(channel, c.good, own, { url: `${ORIGIN}${own}` }), channel, 'from a frame');
        assert.match(framed, /from a frame inside a page/, 'says why');
        assert.deepEqual(r.calls, [], 'no handler ran');
        assert.deepEqual(r.audit.map((a) => [a.event, a.server, a.code, a.reason]), [
          ['frame.invalid', 'ipc', 'ipc_wrong_page', fromOther],
          ['frame.invalid', 'ipc', 'ipc_subframe', framed],
        ], 'each refusal audited once');
        assert.deepEqual(r.stderr, [fromOther, framed], 'and logged once');
        assert.ok(!JSON.stringify(r.audit).includes(PASSWORD) && !r.stderr.join('\n').includes(PASSWORD), 'the password never reaches the audit or the log');
      } finally {
        r.dispose();
      }
    });

    it(`${channel}: refuses each malformed payload with one safe, bounded line that says what to do, audited and logged`, async () => {
      const r = rig();
      try {
        const lines: string[] = [];
        for (const payload of c.bad) {
          const what = JSON.stringify(payload)?.slice(0, 60) ?? String(payload);
          const line = refused(await r.invoke(channel, payload, own), channel, what);
          assert.ok(!/[\r\n\u2028\u2029]/.test(line), `${channel} ${what}: one line, got ${JSON.stringify(line)}`);
          assert.ok(!hasUnsafeText(line), `${channel} ${what}: no bidi or invisible character from the page`);
          assert.ok(line.length <= 600, `${channel} ${what}: bounded (${line.length} characters)`);
          assert.match(line, /; correct it and send it again$/, `${channel} ${what}: says what to do next`);
          lines.push(line);
        }
        assert.deepEqual(r.calls, [], 'no handler ran');
        assert.deepEqual(r.audit.map((a) => [a.event, a.server, a.outcome, a.code, a.reason]), lines.map((l) => ['frame.invalid', 'ipc', 'denied', 'ipc_invalid_payload', l]), 'each audited once');
        assert.deepEqual(r.stderr, lines, 'each logged once');
        assert.ok(!JSON.stringify(r.audit).includes(PASSWORD) && !r.stderr.join('\n').includes(PASSWORD), 'the password never reaches the audit or the log');
      } finally {
        r.dispose();
      }
    });

    it(`${channel}: a good payload from its own page reaches its handler exactly once, with the parsed request`, async () => {
      const r = rig();
      try {
        const res = await r.invoke(channel, c.good, own);
        assert.equal(res.ok, true, `${channel}: ${JSON.stringify(res)}`);
        // Where main builds the answer itself (not the service's value), it says what was done.
        if (c.answer !== undefined && res.ok) assert.deepEqual(res.value, c.answer, `${channel} answers what it did`);
        assert.deepEqual(r.calls, [c.reaches], `${channel} reached ${c.reaches[0]} once`);
        assert.deepEqual(r.audit, [], 'nothing to audit');
        assert.deepEqual(r.stderr, [], 'nothing to log');
      } finally {
        r.dispose();
      }
    });
  }

  it('Security: a page that keeps sending what is refused audits at most the cap, then one line saying so, then nothing', async () => {
    const r = rig();
    try {
      for (let i = 0; i < MAX_AUDITED_IPC_REFUSALS + 20; i++) await r.invoke('power:set', { lockOnScreenLock: i }, 'settings.html');
      assert.equal(r.audit.length, MAX_AUDITED_IPC_REFUSALS + 1, 'the cap and one more');
      assert.ok(r.audit.slice(0, -1).every((a) => a.code === 'ipc_invalid_payload'), 'each refusal up to the cap');
      const { reason: capped, ...cappedRecord } = r.audit.at(-1)!;
      assert.deepEqual(cappedRecord, { event: 'frame.invalid', server: 'ipc', outcome: 'denied', code: 'ipc_refusals_capped' }, 'then one record that says the rest are not audited');
      assert.equal(r.stderr.at(-1), capped, 'and the same line on stderr');
      assert.match(capped ?? '', /restart KeyBroker/, 'and what to do');
      assert.equal(r.stderr.length, MAX_AUDITED_IPC_REFUSALS + 1, 'stderr is bounded the same way');
      // The refusals themselves go on: nothing the page sent was taken.
      assert.deepEqual(r.calls, []);
    } finally {
      r.dispose();
    }
  });

  it('names the field and what is wrong with it, a long path cut', async () => {
    const r = rig();
    try {
      assert.equal(refused(await r.invoke('endpoints:add', { ...form, url: 'not a url' }, 'settings.html'), 'endpoints:add', 'a bad URL'), 'IPC endpoints:add refused: url: Invalid URL; correct it and send it again');
      assert.equal(refused(await r.invoke('endpoints:remove', [], 'settings.html'), 'endpoints:remove', 'an array'), 'IPC endpoints:remove refused: Invalid input: expected object, received array; correct it and send it again');
      const long = refused(await r.invoke('endpoints:add', { ...form, fields: { ['k'.repeat(5000)]: 'x' } }, 'settings.html'), 'endpoints:add', 'a long key');
      assert.match(long, /^IPC endpoints:add refused: fields\.k{70,}…: Invalid key in record; correct it and send it again$/, long);
    } finally {
      r.dispose();
    }
  });

  it('audits a sender that is not one of our pages, its URL cut to one safe line', async () => {
    const r = rig();
    try {
      const url = `data:text/html,${'x'.repeat(500)}\n\u202E`;
      const ipc = new FakeIpcMain();
      const refusals = new IpcRefusalAudit({ append: (a) => void r.audit.push(a), log: (l) => void r.stderr.push(l) });
      const router = new IpcRouter(ipc, { onRefused: (x) => refusals.record(x) });
      registerHandlers(router, {} as HandlerHost, {} as AppServices);
      const res = (await ipc.invoke('power:set', { lockOnScreenLock: true }, url)) as Answer;
      const line = refused(res, 'power:set', 'from a data: URL');
      assert.match(line, /is not a KeyBroker page$/);
      assert.ok(!/[\r\n]/.test(line) && !hasUnsafeText(line) && line.length <= 250, `one safe, bounded line: ${JSON.stringify(line)}`);
      // A frame already gone (navigated away, destroyed) has no URL to name.
      assert.equal(refused((await ipc.invoke('power:set', { lockOnScreenLock: true }, null)) as Answer, 'power:set', 'from no frame'), 'IPC power:set refused: sender "unknown" is not a KeyBroker page');
      assert.deepEqual(r.audit.map((a) => a.code), ['ipc_untrusted_sender', 'ipc_untrusted_sender']);
      router.dispose();
    } finally {
      r.dispose();
    }
  });
});
