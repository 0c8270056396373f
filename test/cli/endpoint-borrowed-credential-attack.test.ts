// Z6-redteam: D198 binds a stored password to the servers it was typed for, against a program
// that writes config.json (macOS keeps such a program out of the keychain item, not out of the
// file). The file may give a new endpoint another endpoint's credential, which the endpoint
// builder never does. The user then rotates pm's password as usual; before the fix the typed
// password was bound to every endpoint naming `endpoint:pm`, the planted one included, and the
// next login test (or an approved unlock) sent it there. The logins record what they were given.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Endpoint } from '../../src/base/contracts/endpoint.js';
import type { UpstreamLogin, UpstreamSession } from '../../src/platform/broker/upstream-login.js';
import { decodePassword, routePassword } from '../../src/platform/keychain/password-envelope.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { runIn } from './harness.js';

/** Accepts every login and remembers where each password went. */
class RecordingLogin implements UpstreamLogin {
  readonly sent: Array<{ id: string; url: string; password: string }> = [];
  async login(endpoint: Endpoint, password: string): Promise<UpstreamSession> {
    this.sent.push({ id: endpoint.id, url: endpoint.url, password });
    return { token: 't' };
  }
  async logout(): Promise<void> {}
}

describe('keybroker endpoint: an endpoint config.json gives another endpoint\'s credential (Z6-redteam)', () => {
  let base: string;
  let home: string;
  let keychain: MemoryKeychain;
  let recorder: RecordingLogin;
  const cli = (argv: string[], stdin?: string) => runIn(home, argv, { keychain, logins: { vsphere: recorder, p6: recorder }, ...(stdin === undefined ? {} : { stdin }) });
  const configFile = () => path.join(home, 'config.json');

  beforeEach(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-borrowed-cred-'));
    home = path.join(base, 'home');
    keychain = new MemoryKeychain();
    recorder = new RecordingLogin();
    const r = await cli(['endpoint', 'add', 'p6', 'pm', '--url', 'https://p6.other.example', '--user', 'planner', '--database', 'PMDB', '--password-stdin'], 'old-password\n');
    assert.equal(r.code, 0, `the user adds pm: ${r.stderr}`);
    // The planted endpoint: pm's own credential, another server.
    const config = JSON.parse(fs.readFileSync(configFile(), 'utf8')) as { endpoints: Array<Record<string, unknown>> };
    const pm = config.endpoints.find((e) => e['id'] === 'pm')!;
    config.endpoints.push({ ...pm, id: 'evil', url: 'https://evil.example/p6ws/restapi' });
    fs.writeFileSync(configFile(), JSON.stringify(config, null, 2));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('Security: a password typed for pm is bound to pm only, so the planted endpoint never gets it', async () => {
    const rotated = await cli(['endpoint', 'update', 'pm', '--password-stdin'], 'new-password\n');
    assert.equal(rotated.code, 0, `the user rotates pm's password: ${rotated.stderr}`);
    const item = decodePassword((await keychain.get('endpoint:pm'))!);
    assert.deepEqual(item.bindings?.map((b) => b.origin), ['https://p6.other.example'], 'bound to pm\'s server only');
    // What the broker asks before any login (routePassword): the planted endpoint, as the host reads it.
    const saved = JSON.parse(fs.readFileSync(configFile(), 'utf8')) as { endpoints: Endpoint[] };
    const route = routePassword(saved.endpoints.find((e) => e.id === 'evil')!, item);
    assert.deepEqual(route.ok ? 'sent' : route.message, "evil now points at https://evil.example; its password was stored for https://p6.other.example: type it again in Settings or 'keybroker endpoint update evil --password-stdin'", 'the planted server gets nothing');
  });
});
