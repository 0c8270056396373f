import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { Config } from '../../../src/base/contracts/config.js';
import { defineKind, endpointSchemaOf } from '../../../src/base/kinds/kind-descriptor.js';
import { findKind, kindIds } from '../../../src/base/kinds/registry.js';
import type { Disposable } from '../../../src/base/lifecycle/disposable.js';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { composeHost } from '../../../src/platform/host/compose-host.js';
import { kindModuleOf, kindModules, registerKindModule } from '../../../src/platform/kinds/registry.js';
import { VSPHERE_SERVER_FLAGS } from '../../../src/platform/kinds/server-flags.js';
import { runIn } from '../../cli/harness.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';

// A kind that lives only in this test, registered the way code outside src/ must do it.
const realmKind = defineKind({
  id: 'realmkind',
  title: 'Realm REST',
  system: 'A realm-based REST upstream (test only)',
  keywords: ['realm'],
  defaultApiPath: '/api/v1',
  urlExample: 'https://realm.example',
  endpoint: endpointSchemaOf('realmkind', { realm: z.string().min(1).max(64) }),
  fields: [{ key: 'realm', flag: 'realm', metavar: 'REALM', label: 'Realm', required: 'give the realm the users log in to', listed: true, updatable: true }],
});

describe('composeHost()', () => {
  let dist: string;
  beforeEach(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-dist-'));
  });
  afterEach(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('gives a login per built-in kind and the built-in servers present in dist, then the extra servers', () => {
    fs.mkdirSync(path.join(dist, 'mcp', 'vsphere'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'mcp', 'vsphere', 'index.cjs'), '');
    const extra = path.join(dist, 'extra.mjs');
    const config = Config.parse({ version: 1, servers: [{ name: 'dev', kind: 'p6', module: extra }] });
    const { logins, servers } = composeHost(config, dist);
    assert.deepEqual(Object.keys(logins), kindIds());
    assert.deepEqual(servers, [
      {
        name: 'vsphere',
        kind: 'vsphere',
        modulePath: path.join(dist, 'mcp', 'vsphere', 'index.cjs'),
        execArgv: [...VSPHERE_SERVER_FLAGS],
        // A built-in child reads exactly its three files (D182).
        reads: ['index.cjs', 'server.cjs', 'server.v8cache'].map((f) => path.join(dist, 'mcp', 'vsphere', f)),
      },
      // Marked as config.json's: its first session of an unlock asks (C7-firstuse).
      { name: 'dev', kind: 'p6', modulePath: extra, execArgv: [], fromConfig: true },
    ]);
  });

  it('includes a kind registered with registerKindModule, and drops it again on dispose', () => {
    const login = new FakeUpstreamLogin('pw');
    const serverFile = path.join(dist, 'realm-server.ts');
    const registration = registerKindModule({ descriptor: realmKind, createLogin: () => login, server: { modulePath: () => serverFile, execArgv: ['--import', 'tsx'] } });
    try {
      assert.throws(() => registerKindModule({ descriptor: realmKind, createLogin: () => login }), /registered already/);
      const { logins, servers } = composeHost(Config.parse({ version: 1 }), dist);
      assert.equal((logins as Record<string, unknown>)['realmkind'], login);
      assert.deepEqual(servers, [{ name: 'realmkind', kind: 'realmkind', modulePath: serverFile, execArgv: ['--import', 'tsx'] }]);
      assert.equal(kindModuleOf('realmkind').descriptor, realmKind);
    } finally {
      registration.dispose();
    }
    assert.equal(findKind('realmkind'), undefined);
    assert.deepEqual(kindModules().map((m) => m.descriptor.id), kindIds());
    assert.throws(() => kindModuleOf('realmkind'), /registerKindModule/);
  });

  it('refuses a second descriptor for a registered kind id', () => {
    assert.throws(() => registerKindModule({ descriptor: { ...findKind('p6')! }, createLogin: () => new FakeUpstreamLogin('x') }), /registered already/);
  });
});

describe('a registered kind through keybroker endpoint add/update (CLI derived from the registry)', () => {
  let home: string;
  let registration: Disposable;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-kind-cli-'));
    registration = registerKindModule({ descriptor: realmKind, createLogin: () => new FakeUpstreamLogin('pw') });
  });
  afterEach(() => {
    registration.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('adds an endpoint with the kind\'s own flag, tests the login with its adapter, and lists its usage', async () => {
    const keychain = new MemoryKeychain();
    const missing = await runIn(home, ['endpoint', 'add', 'realmkind', 'r1', '--url', 'https://realm.example', '--user', 'u', '--password-stdin'], { stdin: 'pw\n', keychain });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing --realm; give the realm the users log in to/);
    const wrong = await runIn(home, ['endpoint', 'add', 'realmkind', 'r1', '--url', 'https://realm.example', '--user', 'u', '--realm', 'north', '--password-stdin'], { stdin: 'nope\n', keychain });
    assert.notEqual(wrong.code, 0, 'the login test goes through the kind\'s own adapter');
    const ok = await runIn(home, ['endpoint', 'add', 'realmkind', 'r1', '--url', 'https://realm.example', '--user', 'u', '--realm', 'north', '--password-stdin'], { stdin: 'pw\n', keychain });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /added realmkind endpoint r1/);
    const saved = new ConfigStore(home).load().endpoints[0];
    assert.deepEqual(saved && { kind: saved.kind, url: saved.url, realm: (saved as Record<string, unknown>)['realm'] }, { kind: 'realmkind', url: 'https://realm.example/api/v1', realm: 'north' });
    const updated = await runIn(home, ['endpoint', 'update', 'r1', '--realm', 'south', '--no-verify'], { keychain });
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(updated.stdout, /realm south/);
    const help = await runIn(home, ['help']);
    assert.match(help.stdout + help.stderr, /keybroker endpoint add realmkind NAME --url URL --user U --realm REALM \[--domain D\]/);
    const wrongKind = await runIn(home, ['endpoint', 'add', 'nsx', 'n1']);
    assert.match(wrongKind.stderr, /expected vsphere, p6 or realmkind after "endpoint add"/);
  });
});
