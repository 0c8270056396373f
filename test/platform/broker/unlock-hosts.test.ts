// Y7-bindpw: an unlock names the upstream hosts its password goes to, and a cached unlock
// serves only the hosts its prompt named: a config pointed at another server asks again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config } from '../../../src/base/contracts/config.js';
import { MAX_UNLOCK_HOSTS } from '../../../src/base/contracts/approval.js';
import { unlockHosts, upstreamHost } from '../../../src/base/upstream-hosts.js';
import { ask, askAnswered, makeBroker, recordingLink, testConfig } from './broker-harness.js';

/** Let queued jobs run (no clock involved). */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** testConfig() with vc1 pointed at `url` (what malware editing config.json does). */
function pointVc1At(url: string): Config {
  const c = testConfig();
  return Config.parse({ ...c, endpoints: c.endpoints.map((e) => (e.id === 'vc1' ? { ...e, url } : e)) });
}

describe('upstreamHost()', () => {
  it('is the URL host, the port only when it is not the default, international names in punycode', () => {
    assert.equal(upstreamHost('https://VCenter-Prod-01.corp.example.com/sdk'), 'vcenter-prod-01.corp.example.com');
    assert.equal(upstreamHost('https://127.0.0.1:8443/sdk'), '127.0.0.1:8443');
    assert.equal(upstreamHost('https://vc.example:443/sdk'), 'vc.example');
    assert.equal(upstreamHost('https://[::1]:9443/sdk'), '[::1]:9443');
    // A Cyrillic "а" in "pаypal" would look like the real name; punycode shows it is not.
    assert.equal(upstreamHost('https://p\u0430ypal.example/sdk'), 'xn--pypal-4ve.example');
    assert.equal(upstreamHost('https://user:pw@vc.example/sdk'), 'vc.example', 'no userinfo in the host');
  });
});

describe('unlockHosts()', () => {
  it('lists the asking endpoint first, then every other endpoint of the credential, each host once', () => {
    const c = testConfig();
    const vc2 = c.endpoints.find((e) => e.id === 'vc2')!;
    const h = unlockHosts(c, vc2);
    assert.deepEqual(h.hosts, ['vc2.corp.example', 'vc1.corp.example']);
    assert.equal(h.moreHosts, undefined, 'no count when all are listed');
    assert.deepEqual([...h.all], ['vc2.corp.example', 'vc1.corp.example']);
  });

  it(`caps the list at ${MAX_UNLOCK_HOSTS} and counts the rest; all of them stay in what an allow covers`, () => {
    const base = testConfig();
    const many = Array.from({ length: MAX_UNLOCK_HOSTS + 3 }, (_, i) => ({ ...base.endpoints[0]!, id: `v${i}`, url: `https://v${i}.corp.example/sdk` }));
    const c = Config.parse({ ...base, endpoints: [...many, ...base.endpoints.filter((e) => e.kind === 'p6')] });
    const h = unlockHosts(c, c.endpoints[0]!);
    assert.equal(h.hosts.length, MAX_UNLOCK_HOSTS);
    assert.equal(h.moreHosts, 3);
    assert.equal(h.all.size, MAX_UNLOCK_HOSTS + 3);
  });
});

describe('Broker unlock prompt names the hosts (Y7-bindpw)', () => {
  it('shows every host a domain credential logs in to, and audits them on the request and the answer', async () => {
    const { broker, approver, audit } = makeBroker();
    const reply = askAnswered(broker, approver, recordingLink('vsphere'), 'vc2', 'a', 'allow-ttl');
    assert.equal((await reply).t, 'token.grant');
    assert.deepEqual(approver.prompts[0]?.subject, { kind: 'unlock', credential: 'domain:corp.example', ttlSeconds: 4 * 3600, hosts: ['vc2.corp.example', 'vc1.corp.example'] });
    for (const event of ['unlock.requested', 'unlock.approved'] as const) {
      assert.deepEqual(audit.find((a) => a.event === event)?.hosts, ['vc2.corp.example', 'vc1.corp.example'], `${event} names the hosts`);
    }
  });

  it('asks again, naming the new host, when the config now points the unlocked endpoint elsewhere', async () => {
    const { broker, approver, vsphere, setConfig } = makeBroker();
    const link = recordingLink('vsphere');
    assert.equal((await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl')).t, 'token.grant');
    // Malware edits config.json; a reload that names no changed credential (a hand edit) keeps the unlock.
    setConfig(pointVc1At('https://evil.example/sdk'));
    await broker.reload([]);
    const lockState = Object.fromEntries(broker.endpointStatus().map((e) => [e.id, e.lock]));
    assert.deepEqual([lockState['vc1'], lockState['vc2']], ['locked', 'unlocked'], 'status says vc1 needs a new unlock');
    const shown = approver.nextPrompt();
    const again = ask(broker, link, 'vc1', 'b');
    // Whichever comes first: a prompt (right) or an answer without one (the bug).
    await Promise.race([shown, again]);
    assert.equal(approver.prompts.length, 2, 'a second prompt');
    assert.deepEqual(approver.prompts[1]?.subject.kind === 'unlock' && approver.prompts[1].subject.hosts, ['evil.example', 'vc2.corp.example']);
    approver.answer('deny');
    assert.equal((await again).t, 'token.deny');
    assert.equal(vsphere.logins, 1, 'the password never went to evil.example');
  });

  it('still serves, without a prompt, an endpoint whose host the unlock named', async () => {
    const { broker, approver, setConfig } = makeBroker();
    const link = recordingLink('vsphere');
    await askAnswered(broker, approver, link, 'vc1', 'a', 'allow-ttl');
    setConfig(pointVc1At('https://evil.example/sdk'));
    await broker.reload([]);
    assert.equal((await ask(broker, link, 'vc2', 'b')).t, 'token.grant');
    assert.equal(approver.prompts.length, 1, 'vc2 is still where the user allowed it');
  });

  it('does not let an asker for other hosts share a pending prompt', async () => {
    const { broker, approver, setConfig, vsphere } = makeBroker();
    const link = recordingLink('vsphere');
    const first = approver.nextPrompt();
    const a = ask(broker, link, 'vc1', 'a');
    await first;
    setConfig(pointVc1At('https://evil.example/sdk'));
    const b = ask(broker, link, 'vc1', 'b');
    await drain();
    const shown = approver.prompts.map((p) => p.subject.kind === 'unlock' && p.subject.hosts[0]);
    approver.answer('deny');
    await Promise.all([a, b]);
    assert.deepEqual(shown, ['vc1.corp.example', 'evil.example'], 'the asker for evil.example got a prompt of its own');
    assert.equal(vsphere.logins, 0, 'nobody logged in');
  });
});
