import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipcChannels } from '../../src/base/contracts/ipc-channels.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { decodePassword, routePassword } from '../../src/platform/keychain/password-envelope.js';
import { useHomeKeychain } from '../support/home-keychain.js';
import { servicesLockingAfterRead } from './services-locking-after-read.js';

const FIRST = 'first-Domain-password-typed';
const form = { id: 'vc1', kind: 'vsphere' as const, url: 'https://vc1.corp.example', username: 'admin', readOnly: false, ttlSeconds: 7200 };

// D246 warned only when the password was typed. A save WITHOUT a typed password of an endpoint
// that shares a domain password binds the endpoint to the stored item (D180, D198): that write is
// the save's only keychain write, and when it failed the page still said "Saved endpoint vc2."
// (D4-tidy). Real parts as above: the collection is locked right after the item is read, so the
// binding's write really fails at the Secret Service.
describe('a Settings save without a typed password whose binding write fails', () => {
  const world = useHomeKeychain('kb-save-bind-locked-');

  it('answers with one line that says the item is unchanged and what to do, never the password', async () => {
    const { home, keychain } = world;
    const { services, lockAfterNextRead } = servicesLockingAfterRead(world, FIRST);
    const shared = { ...form, domain: 'corp.example' };
    assert.deepEqual(await services.saveEndpoint({ ...shared, password: FIRST }, 'add'), { id: 'vc1' }, 'the domain password is typed for vc1');
    const before = await keychain.get('domain:corp.example');
    assert.deepEqual(decodePassword(before!).bindings, [{ origin: 'https://vc1.corp.example' }], 'bound to vc1 alone');

    lockAfterNextRead();
    const saved = await services.saveEndpoint({ ...shared, id: 'vc2', url: 'https://vc2.corp.example' }, 'add');
    assert.equal(saved.id, 'vc2', 'the save itself landed');
    assert.match(saved.warning ?? '', /^Saved endpoint vc2, but the keychain failed while binding the stored password of domain:corp\.example to it \(.*keyring is locked.*\); the item is unchanged, so vc2 may not be among the servers it is bound to yet\. Unlock or fix the keychain, then save vc2 again \(its next successful unlock also binds it\)\.$/,
      'the person is told what happened, what state the item is in and what to do next');
    assert.doesNotMatch(saved.warning!, /\n/, 'one line');
    assert.ok(!saved.warning!.includes(FIRST), 'no password in the warning');
    assert.deepEqual(ipcChannels['endpoints:add'].res.parse(saved), saved, 'the IPC result carries the warning');
    assert.deepEqual(services.listEndpoints().map((e) => e.id), ['vc1', 'vc2'], 'config.json was saved');
    // What the warning promises: the item read just before the failed write still routes vc1, and
    // sends vc2 the password (and binds it there) at its next login, as D180 allowed the save.
    const vc2 = new ConfigStore(home).load().endpoints.find((e) => e.id === 'vc2')!;
    const route = routePassword(vc2, decodePassword(before!));
    assert.deepEqual(route.ok && route.bind, { origin: 'https://vc2.corp.example' }, 'the next unlock of vc2 binds it');
  });
});
