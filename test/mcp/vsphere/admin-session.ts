// An independent admin session on vcsim for test set-up and for "someone else" acting between a
// plan and its approved run: create folders and datastores, reconfigure and rename VMs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createUpstreamDispatcher, isMoRef, VsphereClient, vsphereLogin, vsphereLogout, xmlElement, type ManagedObjectRef } from '../../../src/connectors/vsphere/index.js';
import { findEntity } from '../../../src/mcp/vsphere/inventory/find-entity.js';
import { taskRef } from '../../../src/mcp/vsphere/inventory/task-ref.js';
import type { Vcsim } from '../../support/vcsim.js';

export interface AdminSession {
  readonly client: VsphereClient;
  ref(type: string, name: string): Promise<ManagedObjectRef>;
  /** A VM folder under the datacenter's vm folder. */
  createFolder(name: string): Promise<ManagedObjectRef>;
  /** A local datastore on `host`, backed by a fresh temporary directory. */
  createDatastore(host: string, name: string): Promise<ManagedObjectRef>;
  /** ReconfigVM_Task with a raw VirtualMachineConfigSpec body. */
  reconfigure(vm: string, specXml: string): Promise<void>;
  /** Run a `…_Task` method on an object by name and wait for it. */
  task(type: string, name: string, method: string, params?: string): Promise<void>;
  props(type: string, name: string, paths: string[]): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function adminSession(vcsim: Vcsim): Promise<AdminSession> {
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
  const session = await vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher });
  const client = new VsphereClient({ url: vcsim.url, dispatcher, session: { token: async () => session.cookie, renew: async () => session.cookie } });
  const dirs: string[] = [];
  const ref = async (type: string, name: string) => (await findEntity(client, type, name, type)).ref;
  const task = async (type: string, name: string, method: string, params = '') => {
    await client.waitForTask(taskRef(await client.invoke(method, await ref(type, name), params), method), { deadlineMs: 60_000 });
  };
  return {
    client,
    ref,
    async createFolder(name) {
      const [dc] = await client.retrieveObjects([await ref('Datacenter', 'DC0')], ['vmFolder']);
      const vmFolder = dc?.props['vmFolder'];
      if (!isMoRef(vmFolder)) throw new Error('no vmFolder');
      const res = await client.invoke('CreateFolder', vmFolder, xmlElement('name', name));
      const el = res.children.find((c) => c.local === 'returnval');
      return { type: 'Folder', value: el?.text ?? '' };
    },
    async createDatastore(host, name) {
      const [h] = await client.retrieveObjects([await ref('HostSystem', host)], ['configManager.datastoreSystem']);
      const dss = h?.props['configManager.datastoreSystem'];
      if (!isMoRef(dss)) throw new Error('no datastoreSystem');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-vcsim-ds-'));
      dirs.push(dir);
      const res = await client.invoke('CreateLocalDatastore', dss, xmlElement('name', name) + xmlElement('path', dir));
      const el = res.children.find((c) => c.local === 'returnval');
      return { type: 'Datastore', value: el?.text ?? '' };
    },
    async reconfigure(vm, specXml) {
      await task('VirtualMachine', vm, 'ReconfigVM_Task', `<spec>${specXml}</spec>`);
    },
    task,
    async props(type, name, paths) {
      const [o] = await client.retrieveObjects([await ref(type, name)], paths);
      return o?.props ?? {};
    },
    async close() {
      await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher }).catch(() => undefined);
      await dispatcher.close();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}
