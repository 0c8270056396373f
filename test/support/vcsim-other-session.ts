// A second, independent vSphere session on vcsim (its own SOAP login), standing in for
// "someone else" changing a VM between a plan and its approved run (issue 11).
import { createUpstreamDispatcher, VsphereClient, vsphereLogin, vsphereLogout } from '../../src/connectors/vsphere/index.js';
import { findEntity } from '../../src/mcp/vsphere/inventory/find-entity.js';
import { taskRef } from '../../src/mcp/vsphere/inventory/task-ref.js';
import type { Vcsim } from './vcsim.js';

/** Someone else's session: power actions and reads outside KeyBroker. */
export interface OtherSession {
  /** Run a vim25 power method (`PowerOffVM_Task`, `PowerOnVM_Task`) on a VM by name and wait for it. */
  power(vm: string, method: 'PowerOffVM_Task' | 'PowerOnVM_Task'): Promise<void>;
  powerState(vm: string): Promise<string>;
  close(): Promise<void>;
}

export async function otherSession(vcsim: Vcsim, credentials: { username: string; password: string } = vcsim): Promise<OtherSession> {
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
  const session = await vsphereLogin({ url: vcsim.url, username: credentials.username, password: credentials.password, dispatcher });
  const client = new VsphereClient({ url: vcsim.url, dispatcher, session: { token: async () => session.cookie, renew: async () => session.cookie } });
  return {
    async power(vm, method) {
      const { ref } = await findEntity(client, 'VirtualMachine', vm, 'VM');
      await client.waitForTask(taskRef(await client.invoke(method, ref), method), { deadlineMs: 60_000 });
    },
    async powerState(vm) {
      const { ref } = await findEntity(client, 'VirtualMachine', vm, 'VM');
      const [o] = await client.retrieveObjects([ref], ['runtime.powerState']);
      return String(o?.props['runtime.powerState'] ?? 'unknown');
    },
    async close() {
      await vsphereLogout({ url: vcsim.url, cookie: session.cookie, dispatcher }).catch(() => undefined);
      await dispatcher.close();
    },
  };
}
