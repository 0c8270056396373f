// Attacks on the Settings endpoint form through the main IPC handler (issue 13 review): a kind
// that is not registered (including prototype keys), extra fields, kind fields named like
// Object.prototype members. Each is refused with one line and nothing is saved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Config } from '../../../src/base/contracts/config.js';
import type { EndpointForm } from '../../../src/base/contracts/ipc-channels.js';
import type { AppServices } from '../../../src/main/app-services.js';
import { applyEndpointForm } from '../../../src/main/endpoint-config.js';
import { IpcRouter } from '../../../src/main/ipc/handle.js';
import { registerHandlers, type HandlerHost } from '../../../src/main/ipc/register-handlers.js';
import { FakeIpcMain } from '../../mocks/electron.js';

const SETTINGS = 'app://keybroker/settings.html';
const form = { id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example', username: 'admin', readOnly: false, ttlSeconds: 7200, password: 'pw' };

/** A router whose endpoints:add runs the real form builder against an empty config. */
function settingsRouter() {
  const ipc = new FakeIpcMain();
  const router = new IpcRouter(ipc);
  const saved: Config[] = [];
  const services = {
    saveEndpoint: async (f: EndpointForm, mode: 'add' | 'edit') => {
      saved.push(Config.parse(applyEndpointForm(Config.parse({ version: 1 }), f, mode)));
      return { id: f.id };
    },
  } as unknown as AppServices;
  registerHandlers(router, {} as HandlerHost, services);
  const add = async (payload: unknown) => (await ipc.invoke('endpoints:add', payload, SETTINGS)) as { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
  return { add, saved, dispose: () => router.dispose() };
}

/** The answer is a refusal of one line whose text matches `expected`. */
function assertRefused(res: Awaited<ReturnType<ReturnType<typeof settingsRouter>['add']>>, expected: RegExp, what: string): void {
  assert.equal(res.ok, false, `${what} was accepted`);
  if (res.ok) return;
  assert.match(res.error.message, expected, what);
  assert.ok(!res.error.message.includes('\n'), `one line: ${res.error.message}`);
  assert.ok(!/native code|\[object Object\]/.test(res.error.message), `no prototype member in the message: ${res.error.message}`);
}

describe('the settings endpoint form under attack (main IPC handler)', () => {
  it('the form itself is accepted (control)', async () => {
    const r = settingsRouter();
    try {
      assert.deepEqual(await r.add(form), { ok: true, value: { id: 'vc1' } });
      assert.equal(r.saved.length, 1);
    } finally {
      r.dispose();
    }
  });

  it('refuses a kind that is not registered, prototype keys included', async () => {
    const r = settingsRouter();
    try {
      for (const kind of ['nsx', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'VSPHERE', '']) {
        assertRefused(await r.add({ ...form, kind }), /unknown kind .*; expected vsphere or p6/, `kind ${kind}`);
      }
      assert.deepEqual(r.saved, []);
    } finally {
      r.dispose();
    }
  });

  it('refuses extra fields on the form, an own __proto__ among them', async () => {
    const r = settingsRouter();
    try {
      assertRefused(await r.add({ ...form, admin: true }), /admin/, 'an extra field');
      assertRefused(await r.add(JSON.parse(JSON.stringify({ ...form, x: 1 }).replace('"x"', '"__proto__"'))), /__proto__|Unrecognized/, 'an own __proto__ field');
      assert.deepEqual(r.saved, []);
    } finally {
      r.dispose();
    }
  });

  it('refuses kind fields the kind does not have, named like Object.prototype members or not', async () => {
    const r = settingsRouter();
    try {
      for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'database']) {
        assertRefused(await r.add({ ...form, fields: { [key]: 'x' } }), new RegExp(`^${key} does not apply to vSphere endpoints; leave it out$`), `field ${key}`);
      }
      // zod's record drops an own __proto__ key silently; the contract refuses it first.
      assertRefused(await r.add({ ...form, fields: JSON.parse('{"__proto__":"x"}') }), /a kind field is named by a word/, 'field __proto__');
      assertRefused(await r.add({ ...form, fields: { 'login-variant': 'x' } }), /login-variant/, 'field with a dash');
      assert.deepEqual(r.saved, []);
    } finally {
      r.dispose();
    }
  });
});
