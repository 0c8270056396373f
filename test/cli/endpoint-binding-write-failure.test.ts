// `keybroker endpoint add/update` WITHOUT --password-stdin for an endpoint that shares a domain's
// stored password (D180) binds that item to the endpoint (D198): the command's only keychain
// write, after config.json was saved. When it failed, the command printed its usual line and
// nothing else (D4-tidy; D246's left-over: only a typed password warned). Real parts: the real
// CLI (bin/keybroker.js) on a real Secret Service (gnome-keyring on a private bus) whose login
// collection is locked, as a screen lock does, after the domain password was typed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { decodePassword, routePassword } from '../../src/platform/keychain/password-envelope.js';
import { runKeybroker } from '../support/keybroker-cli.js';
import { useHomeKeychain } from '../support/home-keychain.js';

const PASSWORD = 'the-Domain-password-typed';

describe('endpoint add/update without a typed password, whose binding write fails', () => {
  const world = useHomeKeychain('kb-cli-bind-locked-');

  it('prints one warning line that says the item is unchanged and what to do next, exit 0, no password', async () => {
    const { ss, home, keychain } = world;
    const cli = (args: string[], stdin?: string) => runKeybroker(args, { env: { ...process.env, KEYBROKER_HOME: home }, ...(stdin === undefined ? {} : { stdin }) });
    const domain = ['--user', 'admin', '--domain', 'corp.example', '--no-verify'];
    const typed = await cli(['endpoint', 'add', 'vsphere', 'vc1', '--url', 'https://vc1.corp.example', ...domain, '--password-stdin'], PASSWORD);
    assert.equal(typed.code, 0, `the domain password is typed for vc1: ${typed.stderr}`);
    const item = decodePassword((await keychain.get('domain:corp.example'))!);

    await ss.lock();
    const added = await cli(['endpoint', 'add', 'vsphere', 'vc2', '--url', 'https://vc2.corp.example', ...domain]);
    assert.equal(added.code, 0, `config.json is saved and routes right: ${added.stderr}`);
    assert.match(added.stdout, /^added vsphere endpoint vc2 \(credential domain:corp\.example, .*shared password kept\)\n$/, 'the usual line');
    assert.match(added.stderr, /^keybroker endpoint: warning: config\.json is saved, but the keychain failed while binding keychain item domain:corp\.example to vc2 \(.*locked.*\); the item is unchanged, so vc2 may not be among its servers yet: fix the keychain, and vc2's next successful unlock binds it \(or run 'keybroker endpoint update vc2 --password-stdin' to type the password\)\n$/,
      'one line: what happened, the item\'s state, what to do next');
    const moved = await cli(['endpoint', 'update', 'vc2', '--url', 'https://vc3.corp.example', '--no-verify']);
    assert.equal(moved.code, 0, `the update is saved: ${moved.stderr}`);
    assert.match(moved.stderr, /^keybroker endpoint: warning: config\.json is saved, but the keychain failed while binding keychain item domain:corp\.example to vc2 \(.*locked.*\); the item is unchanged/, 'update warns the same way');
    for (const r of [added, moved]) assert.ok(!r.stderr.includes(PASSWORD) && !r.stdout.includes(PASSWORD), 'no password in the output');
    // What the line promises: the unchanged item goes to vc2 (and binds there) at its next login.
    const vc2 = new ConfigStore(home).load().endpoints.find((e) => e.id === 'vc2')!;
    const route = routePassword(vc2, item);
    assert.deepEqual(route.ok && route.bind, { origin: 'https://vc3.corp.example' }, 'the next unlock of vc2 binds it');
  });
});
