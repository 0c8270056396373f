// D281: what a real Host does at start with the policy remembered in the home's
// keychain (a real Secret Service): a first start records it; a record a writer of the home
// rewrote is not trusted, and the start says so in one log line and one audit record.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { homePaths } from '../../../src/platform/config/home.js';
import { Host } from '../../../src/platform/host/host.js';
import { FakeUpstreamLogin } from '../../mocks/fake-upstream-login.js';
import { readAudit } from '../../support/audit-file.js';
import { useHomeKeychain } from '../../support/home-keychain.js';

describe('Host start and the remembered policy (D281)', () => {
  const hk = useHomeKeychain('kb-policy-record-host-');
  const start = (log: string[]) => Host.start({ home: hk.home, keychain: hk.keychain, logins: { vsphere: new FakeUpstreamLogin('pw'), p6: new FakeUpstreamLogin('pw') }, approver: { request: async () => 'deny' }, log: (l) => void log.push(l) });

  it('a first start records config.json\'s policy and says nothing; a record rewritten since is not trusted: every loosening waits, and the start says why', async () => {
    new ConfigStore(hk.home).save(Config.parse({
      ...emptyConfig(),
      endpoints: [{ id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
      credentials: [{ id: 'endpoint:vc1' }],
      policy: { allow: ['vsphere/vsphere_power'] },
    }));
    const firstLog: string[] = [];
    await (await start(firstLog)).stop('test');
    const file = homePaths(hk.home).confirmedPolicy;
    assert.match(fs.readFileSync(file, 'utf8'), /"vsphere\/vsphere_power"/, 'the first start recorded the policy it trusted');
    assert.deepEqual(readAudit(hk.home).filter((r) => r.event === 'config.changed'), [], 'a first start writes no audit line about it');
    assert.equal(firstLog.filter((l) => l.startsWith('at start')).length, 0, 'nor a log line');

    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"readOnly": [', '"readOnly": [ ')); // a writer of the home
    const log: string[] = [];
    await (await start(log)).stop('test');
    const said = readAudit(hk.home).filter((r) => r.event === 'config.changed').map((r) => r.reason);
    assert.deepEqual(said, [`at start: the policy last confirmed here could not be read (${file} is not the one KeyBroker recorded (its digest in the keychain differs)), so every loosening in config.json waits for a person; waiting for a person to allow: config.json now lets vsphere/vsphere_power run without asking (policy.allow); config.json adds the read-write endpoint vc1`]);
    assert.match(log.find((l) => l.startsWith('at start')) ?? '', /waits for a person; .*\. The first call it would let through asks; see 'keybroker approvals'$/, 'the log line says what to do');
  });
});
