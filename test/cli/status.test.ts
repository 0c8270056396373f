import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostStatus } from '../../src/base/contracts/broker-status.js';
import { ControlServer } from '../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../mocks/fake-control-handler.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { runIn } from './harness.js';

const hhmm = (ms: number): string => `${String(new Date(ms).getHours()).padStart(2, '0')}:${String(new Date(ms).getMinutes()).padStart(2, '0')}`;

describe('keybroker status', () => {
  let home: string;
  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-st-'));
    const keychain = new MemoryKeychain();
    for (const [name, url] of [['vc1', 'https://vc1.corp.example'], ['vc2', 'https://vc2.corp.example']] as const) {
      const r = await runIn(home, ['endpoint', 'add', 'vsphere', name, '--url', url, '--user', 'u', '--no-verify', '--password-stdin'], { stdin: 'pw', keychain });
      assert.equal(r.code, 0, r.stderr);
    }
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  describe('without a host', () => {
    it('--json reports running=false and every endpoint locked, in the HostStatus shape, exit 0', async () => {
      const r = await runIn(home, ['status', '--json']);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      const status = HostStatus.parse(JSON.parse(r.stdout));
      assert.deepEqual(status, {
        host: { running: false, home },
        endpoints: [
          { id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', credential: 'endpoint:vc1', readOnly: false, lock: 'locked' },
          { id: 'vc2', kind: 'vsphere', url: 'https://vc2.corp.example/sdk', credential: 'endpoint:vc2', readOnly: false, lock: 'locked' },
        ],
        children: [],
        pendingApprovals: 0,
      });
    });

    it('prints a human summary that says how to start the host', async () => {
      const r = await runIn(home, ['status']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /KeyBroker is not running; .*start it with 'keybroker serve'/);
      assert.match(r.stdout, /^vc1 +vsphere +endpoint:vc1 +locked +-$/m);
    });

    it('on a first run (no endpoints) says the next steps in order, in one line', async () => {
      const empty = path.join(home, 'fresh');
      const r = await runIn(empty, ['status']);
      assert.deepEqual(r, { code: 0, stdout: `KeyBroker is not running; home ${empty}. No endpoints yet: add one with 'keybroker endpoint add vsphere NAME --url URL --user U --password-stdin', then start it with 'keybroker serve'\n`, stderr: '' });
    });

    it('fails with exit 1 when config.json is invalid, naming the field', async () => {
      fs.writeFileSync(path.join(home, 'config.json'), '{"version":1,"endpoints":[{"id":"x"}]}');
      const r = await runIn(home, ['status', '--json']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^keybroker status: .*config\.json: endpoints\[0\]/);
    });

    it('refuses unknown options with exit 2', async () => {
      const r = await runIn(home, ['status', '--yaml']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^keybroker status: Unknown option '--yaml'; usage: keybroker status \[--json\]\n$/);
    });
  });

  describe('with a host', () => {
    let server: ControlServer;
    let handler: FakeControlHandler;
    const now = new Date(2030, 5, 15, 10, 0).getTime();
    beforeEach(async () => {
      handler = new FakeControlHandler();
      handler.statusValue = {
        host: { running: true, pid: 4242, home, startedAt: now - 3_600_000 },
        endpoints: [
          { id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', credential: 'endpoint:vc1', readOnly: false, lock: 'unlocked', unlockedUntil: new Date(2030, 5, 15, 14, 32).getTime(), session: { loggedInAt: now - 60_000, expiresAt: now + 1_800_000 } },
          { id: 'vc2', kind: 'vsphere', url: 'https://vc2.corp.example/sdk', credential: 'endpoint:vc2', readOnly: false, lock: 'locked' },
        ],
        children: [{ name: 'vsphere', kind: 'vsphere', pid: 5151, state: 'restarting', restarts: 3 }],
        pendingApprovals: 2,
      };
      server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
    });
    afterEach(() => server.close());

    it('--json prints the host status as one document', async () => {
      const r = await runIn(home, ['status', '--json']);
      assert.equal(r.code, 0);
      assert.deepEqual(JSON.parse(r.stdout), handler.statusValue);
    });

    it('shows unlock expiry as local HH:MM, sessions, children and pending approvals', async () => {
      const r = await runIn(home, ['status'], { now });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`KeyBroker is running \\(pid 4242, since ${hhmm(now - 3_600_000)}\\)`));
      assert.match(r.stdout, new RegExp(`^vc1 +vsphere +endpoint:vc1 +unlocked until 14:32 +logged in ${hhmm(now - 60_000)}, expires ${hhmm(now + 1_800_000)}$`, 'm'));
      assert.match(r.stdout, /^vc2 +vsphere +endpoint:vc2 +locked +-$/m);
      assert.match(r.stdout, /^SERVER +STATE +PID +RESTARTS$/m);
      assert.match(r.stdout, /^vsphere +restarting +5151 +3$/m);
      assert.match(r.stdout, /^pending approvals: 2 \(see 'keybroker approvals'\)$/m);
    });

    it('says for each config.json server whether it runs its module as approved (D264)', async () => {
      handler.statusValue.children.push({ name: 'p6-extra', kind: 'p6', pid: 6161, state: 'running', restarts: 0, code: 'approved' }, { name: 'vs-dev', kind: 'vsphere', state: 'idle', restarts: 0, code: 'disk' });
      const r = await runIn(home, ['status'], { now });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^p6-extra \(config\.json\): runs its module as approved; files it loads are read from disk, so only a one-file bundle runs all as approved$/m, 'approved');
      assert.match(r.stdout, /^vs-dev \(config\.json\): its module is read from disk when it loads, so a change after the approval's read is not caught \(see SECURITY\.md\)$/m, 'disk');
      assert.doesNotMatch(r.stdout, /^vsphere \(config\.json\)/m, 'no line for a built-in server');
    });

    it("names the host's version when it reports one (host.version)", async () => {
      handler.statusValue.host.version = '0.2.0';
      const r = await runIn(home, ['status'], { now });
      assert.match(r.stdout, new RegExp(`^KeyBroker is running \\(pid 4242, since ${hhmm(now - 3_600_000)}, version 0\\.2\\.0\\); home `, 'm'));
      assert.equal(JSON.parse((await runIn(home, ['status', '--json'])).stdout).host.version, '0.2.0');
    });

    it('adds the date when the unlock ends on another day', async () => {
      handler.statusValue.endpoints[0]!.unlockedUntil = new Date(2030, 5, 17, 9, 5).getTime();
      const r = await runIn(home, ['status'], { now });
      assert.match(r.stdout, /unlocked until 06-17 09:05/);
    });
  });
});
