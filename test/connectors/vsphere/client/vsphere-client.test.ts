// VsphereClient against vcsim over HTTPS with the certificate pinned: paging, xsi:type
// conversion, faults, session renewal, pinning and timeouts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from 'undici';
import { startPinnedVcsim, type Vcsim } from '../../../support/vcsim.js';
import {
  createUpstreamDispatcher,
  isVsphereFault,
  listAllVmsOneShot,
  moRefElement,
  VsphereClient,
  vsphereLogin,
  vsphereLogout,
  xmlElement,
  type ObjectContent,
} from '../../../../src/connectors/vsphere/index.js';
import { isConnectorError } from '../../../../src/connectors/connector-error.js';

const VMS = 2;
const EXPECTED_VMS = ['DC0_C0_RP0_VM0', 'DC0_C0_RP0_VM1', 'DC0_H0_VM0', 'DC0_H0_VM1'];

describe('VsphereClient against vcsim', () => {
  let vcsim: Vcsim;
  let dispatcher: Agent;
  let stop: (() => Promise<void>) | undefined;
  let renewals: string[];
  let cookie: string;
  let client: VsphereClient;
  const login = async () => (await vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher })).cookie;

  before(async () => {
    ({ vcsim, dispatcher, stop } = await startPinnedVcsim({ vms: VMS }));
    cookie = await login();
    renewals = [];
    client = new VsphereClient({
      url: vcsim.url,
      dispatcher,
      session: {
        token: async () => cookie,
        renew: async (stale) => {
          renewals.push(stale);
          cookie = await login();
          return cookie;
        },
      },
    });
  });
  after(() => stop?.());

  const all = async (type: string, paths: string[], maxObjects?: number): Promise<ObjectContent[]> => {
    const out: ObjectContent[] = [];
    for await (const page of client.retrievePages({ type, paths, maxObjects })) out.push(...page);
    return out;
  };

  describe('retrievePages()', () => {
    it('walks every VM once and destroys its view', async () => {
      const before = await vcsim.counts();
      const vms = await all('VirtualMachine', ['name'], 1);
      assert.deepEqual(vms.map((v) => v.props['name']).sort(), EXPECTED_VMS);
      assert.equal(new Set(vms.map((v) => v.ref.value)).size, vms.length);
      const after = await vcsim.counts();
      assert.equal((after['DestroyView'] ?? 0) - (before['DestroyView'] ?? 0), 1);
    });

    it('destroys the view when the caller stops early', async () => {
      const before = (await vcsim.counts())['DestroyView'] ?? 0;
      for await (const page of client.retrievePages({ type: 'VirtualMachine', paths: ['name'] })) {
        assert.ok(page.length > 0, 'the first page is not empty');
        break;
      }
      assert.equal(((await vcsim.counts())['DestroyView'] ?? 0) - before, 1);
    });

    it('converts values by xsi:type: strings, enums, numbers, booleans, MoRefs and one-element arrays', async () => {
      const [vm] = (await all('VirtualMachine', ['name', 'runtime.powerState', 'summary.config.numCpu', 'summary.config.memorySizeMB', 'runtime.host', 'datastore', 'config.template', 'guest.ipAddress']))
        .filter((v) => v.props['name'] === 'DC0_H0_VM0');
      assert.ok(vm, 'vcsim has the VM DC0_H0_VM0');
      assert.equal(vm.props['runtime.powerState'], 'poweredOn');
      assert.equal(vm.props['summary.config.numCpu'], 1);
      assert.equal(vm.props['summary.config.memorySizeMB'], 32);
      assert.equal(vm.props['config.template'], false);
      const host = vm.props['runtime.host'] as { type: string; value: string };
      assert.equal(host.type, 'HostSystem');
      assert.match(host.value, /^host-\d+$/);
      const ds = vm.props['datastore'];
      assert.ok(Array.isArray(ds) && ds.length === 1, 'a one-element ArrayOfManagedObjectReference is still an array');
      assert.equal((ds[0] as { type: string }).type, 'Datastore');
      assert.equal('guest.ipAddress' in vm.props, false, 'unset properties are absent');
      assert.deepEqual(vm.missing, []);
    });

    it('reports an unknown property path as missing', async () => {
      const hosts = await all('HostSystem', ['name', 'summary.hardware.memorySize', 'bogusPath']);
      assert.equal(hosts.length, 4, 'three cluster hosts and one standalone');
      for (const h of hosts) {
        assert.equal(typeof h.props['summary.hardware.memorySize'], 'number');
        assert.deepEqual(h.missing, ['bogusPath']);
      }
    });
  });

  describe('faults', () => {
    it('maps a vim25 fault to a VsphereFaultError with its type', async () => {
      const sc = await client.serviceContent();
      await assert.rejects(
        client.invoke('RetrievePropertiesEx', sc.propertyCollector,
          `<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet><objectSet>${moRefElement('obj', { type: 'VirtualMachine', value: 'vm-999999' })}</objectSet></specSet><options/>`),
        (e: unknown) => isVsphereFault(e, 'ManagedObjectNotFound') && /ManagedObjectNotFound/.test((e as Error).message),
      );
    });

    it('reports a failed task with its fault type (power off an off VM)', async () => {
      const [vm] = (await all('VirtualMachine', ['name'])).filter((v) => v.props['name'] === 'DC0_H0_VM1');
      const off = await client.invoke('PowerOffVM_Task', vm!.ref);
      const task = { type: 'Task', value: off.children[0]!.text };
      await client.waitForTask(task, { deadlineMs: 30_000 });
      const again = await client.invoke('PowerOffVM_Task', vm!.ref);
      await assert.rejects(client.waitForTask({ type: 'Task', value: again.children[0]!.text }, { deadlineMs: 30_000 }), (e: unknown) => {
        assert.ok(isVsphereFault(e, 'InvalidPowerState'), 'powering off a VM that is off fails with the InvalidPowerState fault');
        assert.match((e as Error).message, /poweredOff/);
        return true;
      });
      await client.waitForTask({ type: 'Task', value: (await client.invoke('PowerOnVM_Task', vm!.ref)).children[0]!.text }, { deadlineMs: 30_000 });
    });
  });

  describe('session renewal', () => {
    it('renews once and succeeds after the session was logged out behind its back', async () => {
      const stale = cookie;
      await vsphereLogout({ url: vcsim.url, cookie: stale, dispatcher });
      const count = renewals.length;
      const vms = await all('VirtualMachine', ['name']);
      assert.equal(vms.length, EXPECTED_VMS.length);
      assert.deepEqual(renewals.slice(count), [stale]);
      assert.notEqual(cookie, stale);
    });

    it('renews after TerminateSession from another session', async () => {
      const stale = cookie;
      const admin = await vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher });
      const victim = await vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher });
      cookie = victim.cookie;
      const sc = await client.serviceContent();
      const adminClient = new VsphereClient({ url: vcsim.url, dispatcher, session: { token: async () => admin.cookie, renew: async () => assert.fail('admin session must stay valid') } });
      await adminClient.invoke('TerminateSession', sc.sessionManager, xmlElement('sessionId', victim.key));
      const count = renewals.length;
      assert.equal((await all('HostSystem', ['name'])).length, 4);
      assert.deepEqual(renewals.slice(count), [victim.cookie]);
      assert.notEqual(cookie, stale);
      await vsphereLogout({ url: vcsim.url, cookie: admin.cookie, dispatcher });
    });

    it('gives up when the renewed session is refused too', async () => {
      const refusing = new VsphereClient({ url: vcsim.url, dispatcher, session: { token: async () => 'not-a-session', renew: async () => 'still-not-a-session' } });
      await assert.rejects(refusing.invoke('CreateContainerView', (await client.serviceContent()).viewManager!, ''), (e: unknown) => isConnectorError(e) && e.code === 'CONN_NOT_AUTHENTICATED');
    });
  });

  describe('TLS and timeouts', () => {
    it('refuses a wrong fingerprint and shows the one it saw', async () => {
      const wrong = createUpstreamDispatcher({ fingerprintSha256: 'AA'.repeat(32) });
      try {
        const c = new VsphereClient({ url: vcsim.url, dispatcher: wrong, session: { token: async () => cookie, renew: async () => cookie } });
        await assert.rejects(c.serviceContent(), (e: unknown) => {
          assert.ok(isConnectorError(e) && e.code === 'CONN_TLS_FINGERPRINT', 'a wrong pin is refused as CONN_TLS_FINGERPRINT');
          assert.ok((e as Error).message.includes(vcsim.fingerprintSha256), (e as Error).message);
          return true;
        });
      } finally {
        await wrong.close();
      }
    });
  });

  describe('listAllVmsOneShot()', () => {
    it('logs in, lists every VM with its host name, and logs out', async () => {
      const before = await vcsim.counts();
      const vms = await listAllVmsOneShot({ url: vcsim.url, username: vcsim.username, password: vcsim.password, fingerprintSha256: vcsim.fingerprintSha256 });
      assert.deepEqual(vms.map((v) => v.name).sort(), EXPECTED_VMS);
      for (const v of vms) {
        assert.equal(v.numCpu, 1);
        assert.equal(v.memoryMB, 32);
        assert.equal(v.powerState, 'poweredOn');
        assert.equal(v.host, v.name.startsWith('DC0_H0') ? 'DC0_H0' : v.host);
        assert.match(v.host ?? '', /^DC0_(H0|C0_H\d)$/);
      }
      const after = await vcsim.counts();
      assert.equal((after['Login'] ?? 0) - (before['Login'] ?? 0), 1);
      assert.equal((after['Logout'] ?? 0) - (before['Logout'] ?? 0), 1);
    });
  });
});

describe('VsphereClient with a stalled vCenter', () => {
  let vcsim: Vcsim;
  let dispatcher: Agent;
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    ({ vcsim, dispatcher, stop } = await startPinnedVcsim({ vms: 1, delays: { CreateContainerView: 10_000 } }));
  });
  after(() => stop?.());

  it('times out with a clear error instead of hanging', async () => {
    const cookie = (await vsphereLogin({ url: vcsim.url, username: vcsim.username, password: vcsim.password, dispatcher })).cookie;
    const client = new VsphereClient({ url: vcsim.url, dispatcher, timeoutMs: 300, session: { token: async () => cookie, renew: async () => cookie } });
    const pages = client.retrievePages({ type: 'VirtualMachine', paths: ['name'] })[Symbol.asyncIterator]();
    await assert.rejects(pages.next(), (e: unknown) => {
      assert.ok(isConnectorError(e) && e.code === 'CONN_TIMEOUT', String(e));
      assert.match((e as Error).message, /did not answer CreateContainerView within 300 ms/);
      return true;
    });
  });
});
