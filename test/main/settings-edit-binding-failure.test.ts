// The edit path on its own (E3-tidy, from D4): settings-save-binding-failure.test.ts's case is an
// add; an edit that moves a domain endpoint to another host of its domain without the password
// (D180) binds it there the same way, and a failed binding write must warn the same way (D255).
// Its own file: one private Secret Service per process (the keychain keeps its bus connection).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipcChannels } from '../../src/base/contracts/ipc-channels.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { decodePassword, routePassword } from '../../src/platform/keychain/password-envelope.js';
import { useHomeKeychain } from '../support/home-keychain.js';
import { servicesLockingAfterRead } from './services-locking-after-read.js';

const FIRST = 'first-Domain-password-typed';
const form = { id: 'vc1', kind: 'vsphere' as const, url: 'https://vc1.corp.example', username: 'admin', readOnly: false, ttlSeconds: 7200 };

describe('a Settings edit without a typed password whose binding write fails', () => {
  const world = useHomeKeychain('kb-edit-bind-locked-');

  it('warns in one line that the item is unchanged and what to do when an edit moves a domain endpoint (E3-tidy)', async () => {
    const { home, keychain } = world;
    const { services, lockAfterNextRead } = servicesLockingAfterRead(world, FIRST);
    const shared = { ...form, id: 'vc3', url: 'https://vc3.corp.example', domain: 'corp.example' };
    assert.deepEqual(await services.saveEndpoint({ ...shared, password: FIRST }, 'add'), { id: 'vc3' }, 'the domain password is typed for vc3');
    const before = await keychain.get('domain:corp.example');

    // D180: within its domain, with the system's trust, an edit may move vc3 without the password; its binding is the save's only write.
    lockAfterNextRead();
    const saved = await services.saveEndpoint({ ...shared, url: 'https://vc4.corp.example' }, 'edit');
    assert.equal(saved.id, 'vc3', 'the edit itself landed');
    assert.match(saved.warning ?? '', /^Saved endpoint vc3, but the keychain failed while binding the stored password of domain:corp\.example to it \(.*keyring is locked.*\); the item is unchanged, so vc3 may not be among the servers it is bound to yet\. Unlock or fix the keychain, then save vc3 again \(its next successful unlock also binds it\)\.$/,
      'the person is told what happened, what state the item is in and what to do next');
    assert.doesNotMatch(saved.warning!, /\n/, 'one line');
    assert.ok(!saved.warning!.includes(FIRST), 'no password in the warning');
    assert.deepEqual(ipcChannels['endpoints:edit'].res.parse(saved), saved, 'the IPC result carries the warning');
    const vc3 = new ConfigStore(home).load().endpoints.find((e) => e.id === 'vc3')!;
    assert.equal(vc3.url, 'https://vc4.corp.example/sdk', `config.json was saved with the new server: ${JSON.stringify(vc3)}`);
    const route = routePassword(vc3, decodePassword(before!));
    assert.deepEqual(route.ok && route.bind, { origin: 'https://vc4.corp.example' }, 'the next unlock of vc3 binds it at its new server');
  });
});
