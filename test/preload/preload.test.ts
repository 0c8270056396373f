// The built preload, run in a vm with a fake `electron` module: it exposes only named
// functions (STYLE.md §4), and validates what main answers and sends (STYLE.md §3).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { before, describe, it } from 'node:test';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { ROOT } from '../renderer/renderer-harness.js';

interface Loaded {
  exposed: Map<string, Record<string, (...args: unknown[]) => unknown>>;
  invoked: unknown[][];
  answer: (channel: string, payload: unknown) => unknown;
  emit: (channel: string, payload: unknown) => void;
}

function load(): Loaded {
  const code = fs.readFileSync(path.join(ROOT, 'dist/preload/index.cjs'), 'utf8');
  const exposed = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
  const listeners = new Map<string, ((e: unknown, p: unknown) => void)[]>();
  const loaded: Loaded = {
    exposed,
    invoked: [],
    answer: () => ({ ok: true, value: {} }),
    emit: (channel, payload) => (listeners.get(channel) ?? []).forEach((l) => l({}, payload)),
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, payload: unknown) => {
        loaded.invoked.push([channel, payload]);
        return loaded.answer(channel, payload);
      },
      on: (channel: string, l: (e: unknown, p: unknown) => void) => listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
      removeListener: (channel: string, l: unknown) => listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== l)),
    },
  };
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return electron;
    throw new Error(`sandboxed preloads cannot require ${name}`);
  };
  const module = { exports: {} };
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });
  return loaded;
}

describe('preload (dist/preload/index.cjs)', () => {
  before(async () => {
    await buildElectron({ quiet: true });
  });

  it('exposes only named functions as window.keybroker, never ipcRenderer or a generic send', () => {
    const { exposed } = load();
    assert.deepEqual([...exposed.keys()], ['keybroker']);
    const api = exposed.get('keybroker')!;
    for (const [name, fn] of Object.entries(api)) assert.equal(typeof fn, 'function', name);
    for (const forbidden of ['send', 'invoke', 'on', 'ipcRenderer']) assert.equal(api[forbidden], undefined, forbidden);
  });

  it('sends the channel payload and returns the validated answer', async () => {
    const l = load();
    l.answer = () => ({ ok: true, value: { decided: '3f9a2c1e' } });
    // JSON round trips: values made inside the vm have the vm's prototypes.
    assert.deepEqual(JSON.parse(JSON.stringify(await l.exposed.get('keybroker')!['decideApproval']!('3f9a2c1e', 'deny'))), { decided: '3f9a2c1e' });
    assert.deepEqual(JSON.parse(JSON.stringify(l.invoked)), [['approvals:decide', { id: '3f9a2c1e', decision: 'deny' }]]);
  });

  it('fitPopup sends only the height on popup:fit and validates the answer', async () => {
    const l = load();
    l.answer = () => ({ ok: true, value: { height: 480 } });
    assert.deepEqual(JSON.parse(JSON.stringify(await l.exposed.get('keybroker')!['fitPopup']!(512))), { height: 480 });
    assert.deepEqual(JSON.parse(JSON.stringify(l.invoked)), [['popup:fit', { height: 512 }]]);
    l.answer = () => ({ ok: true, value: { height: 'tall' } });
    await assert.rejects(Promise.resolve(l.exposed.get('keybroker')!['fitPopup']!(512)), { code: 'CORE_CONTRACT_VIOLATION' });
  });

  it('rejects with { code, message } on errors and on answers outside the contract', async () => {
    const l = load();
    l.answer = () => ({ ok: false, error: { code: 'CORE_CONTRACT_VIOLATION', message: 'refused' } });
    await assert.rejects(Promise.resolve(l.exposed.get('keybroker')!['getStatus']!()), { code: 'CORE_CONTRACT_VIOLATION', message: 'refused' });
    l.answer = () => ({ ok: true, value: { host: 'not a status' } });
    await assert.rejects(Promise.resolve(l.exposed.get('keybroker')!['getStatus']!()), { code: 'CORE_CONTRACT_VIOLATION' });
  });

  it('drops events whose payload breaks the contract', () => {
    const l = load();
    const got: unknown[] = [];
    const off = l.exposed.get('keybroker')!['onApprovalsChanged']!((p: unknown) => got.push(p)) as () => void;
    l.emit('approvals:changed', [{ id: 'bad' }]);
    l.emit('approvals:changed', []);
    off();
    l.emit('approvals:changed', []);
    assert.deepEqual(JSON.parse(JSON.stringify(got)), [[]]);
  });
});
