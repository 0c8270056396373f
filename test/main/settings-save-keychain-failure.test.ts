// A Settings save whose typed password's final keychain write fails (D223's second keychain
// write, after config.json was saved) tells the person, in the IPC result and so on the page, in
// one line that says what to do next (C2-tidy). Before, the save answered as if all went well
// and the item kept the replaced password beside the new one without a word. Real parts: a real
// Secret Service (gnome-keyring on a private bus) whose login collection is locked, as a screen
// lock does, right after the save's first keychain write; the real AppServices and config.json.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipcChannels } from '../../src/base/contracts/ipc-channels.js';
import { AppServices } from '../../src/main/app-services.js';
import type { Keychain } from '../../src/platform/keychain/keychain.js';
import { FakeUpstreamLogin } from '../mocks/fake-upstream-login.js';
import { useHomeKeychain } from '../support/home-keychain.js';

const FIRST = 'first-Password-typed-last-year';
const SECOND = 'second-Password-typed-now';
const form = { id: 'vc1', kind: 'vsphere' as const, url: 'https://vc1.corp.example', username: 'admin', readOnly: false, ttlSeconds: 7200 };

describe('a Settings save whose final keychain write fails', () => {
  const world = useHomeKeychain('kb-save-locked-');

  it('answers with one line that says the password is not settled and what to do, never the password', async () => {
    const { ss, home, keychain } = world;
    // The real keychain; after the save's first write (D223: the new password beside the
    // replaced one) the login collection is locked, so the final write really fails.
    let lockAfterWrite = false;
    const locking: Keychain = {
      get: (a) => keychain.get(a),
      delete: (a) => keychain.delete(a),
      set: async (a, s) => {
        await keychain.set(a, s);
        if (lockAfterWrite) {
          lockAfterWrite = false;
          await ss.lock();
        }
      },
    };
    const login = new FakeUpstreamLogin(FIRST);
    const reloads: string[][] = [];
    const services = new AppServices({
      home, keychain: locking, logins: { vsphere: login, p6: login },
      host: { reloadConfig: async (changed) => (reloads.push([...changed]), { endpoints: 0 }) },
      installInClaude: async () => ({ configPath: '/c.json', changes: [] }),
    });
    assert.deepEqual(await services.saveEndpoint({ ...form, password: FIRST }, 'add'), { id: 'vc1' }, 'a save that lands whole has no warning');

    lockAfterWrite = true;
    const saved = await services.saveEndpoint({ ...form, url: 'https://vc1-new.corp.example', password: SECOND }, 'edit');
    assert.equal(saved.id, 'vc1', 'the save itself landed');
    assert.match(saved.warning ?? '', /^Saved endpoint vc1, but the keychain refused the password's last write \(.*keyring is locked.*\); keychain item endpoint:vc1 still holds the replaced password beside the new one\. Unlock or fix the keychain, then type the password again and save/,
      'the person is told what happened and what to do next');
    assert.doesNotMatch(saved.warning!, /\n/, 'one line');
    assert.ok(!saved.warning!.includes(FIRST) && !saved.warning!.includes(SECOND), 'no password in the warning');
    // What the page gets: the preload checks the answer with the channel's schema.
    assert.deepEqual(ipcChannels['endpoints:edit'].res.parse(saved), saved, 'the IPC result carries the warning');
    assert.equal(services.listEndpoints()[0]?.url, 'https://vc1-new.corp.example/sdk', 'config.json was saved');
    assert.deepEqual(reloads.at(-1), ['endpoint:vc1'], 'the host reloads the credential as after any typed password');
    assert.equal(ipcChannels['endpoints:add'].res.safeParse({ id: 'vc1', warning: 'x'.repeat(1001) }).success, false, 'a warning is at most 1000 characters');
  });
});
