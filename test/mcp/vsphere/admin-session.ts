// An independent admin session on vcsim for test set-up and for "someone else" acting between a
// plan and its approved run: create folders and datastores, reconfigure and rename VMs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, type Dispatcher } from 'undici';
import { vapiLogin } from '../../../src/connectors/vsphere/session/vapi-session.js';
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
  /** vAPI REST: a tag category (cardinality SINGLE or MULTIPLE) and a tag in it; returns the tag id. */
  createTag(category: string, tag: string, cardinality?: 'SINGLE' | 'MULTIPLE'): Promise<string>;
  /** vAPI REST: attach a tag (by id) to a VM (by name). */
  attachTag(tagId: string, vm: string): Promise<void>;
  close(): Promise<void>;
}

/** An admin vAPI REST session on vcsim, as an admin in the UI would plant tags or libraries. */
export interface VapiRest {
  /** `/rest{path}` with a JSON body; the reply's `value` (undefined for an empty 200), or throws with the status and body. */
  rest(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
  /** End the vAPI session (DELETE /rest/com/vmware/cis/session). */
  logout(): Promise<void>;
  /** Log out and close the dispatcher if this session made it. */
  close(): Promise<void>;
}

/** Log in to vcsim's vAPI REST as the admin, over `dispatcher` (default: a new pinned one, closed by `close()`). */
export async function vapiRest(vcsim: Vcsim, dispatcher?: Dispatcher): Promise<VapiRest> {
  const own = dispatcher === undefined;
  const d = dispatcher ?? createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
  const origin = new URL(vcsim.url).origin;
  let sessionId: string | undefined;
  try {
    sessionId = await vapiLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher: d });
  } finally {
    if (sessionId === undefined && own) await d.close();
  }
  if (sessionId === undefined) throw new Error('vcsim serves no vAPI REST');
  const session = sessionId;
  const logout = async (): Promise<void> => {
    await request(`${origin}/rest/com/vmware/cis/session`, { method: 'DELETE', headers: { 'vmware-api-session-id': session }, dispatcher: d }).then((r) => r.body.text());
  };
  return {
    async rest(method, p, body) {
      const res = await request(`${origin}/rest${p}`, {
        method,
        dispatcher: d,
        headers: { 'vmware-api-session-id': session, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${method} ${p}: HTTP ${res.statusCode} ${text}`);
      return text ? (JSON.parse(text) as { value?: unknown }).value : undefined;
    },
    logout,
    async close() {
      await logout().catch(() => undefined);
      if (own) await d.close();
    },
  };
}

export async function adminSession(vcsim: Vcsim): Promise<AdminSession> {
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
  const session = await vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher });
  const client = new VsphereClient({ url: vcsim.url, dispatcher, session: { token: async () => session.cookie, renew: async () => session.cookie } });
  const dirs: string[] = [];
  const { rest } = await vapiRest(vcsim, dispatcher);
  const categories = new Map<string, string>();
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
    async createTag(category, tag, cardinality = 'SINGLE') {
      let cid = categories.get(category);
      if (!cid) {
        cid = String(await rest('POST', '/com/vmware/cis/tagging/category', { create_spec: { name: category, description: `${category} category`, cardinality, associable_types: [] } }));
        categories.set(category, cid);
      }
      return String(await rest('POST', '/com/vmware/cis/tagging/tag', { create_spec: { name: tag, description: `${tag} tag`, category_id: cid } }));
    },
    async attachTag(tagId, vm) {
      const { value } = await ref('VirtualMachine', vm);
      await rest('POST', `/com/vmware/cis/tagging/tag-association/id:${encodeURIComponent(tagId)}?~action=attach`, { object_id: { id: value, type: 'VirtualMachine' } });
    },
    async close() {
      await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher }).catch(() => undefined);
      await dispatcher.close();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}
