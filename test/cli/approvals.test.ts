import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';
import { ControlServer } from '../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../mocks/fake-control-handler.js';
import { runIn } from './harness.js';

const NOT_RUNNING = 'KeyBroker is not running; start it with `keybroker serve` (or the menu-bar app)';
const NOW = 1_900_000_000_000;

const unlockRequest = (): ApprovalRequest => ({
  id: '3f9a2c1e', client: 'claude-ai', clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'unlock', credential: 'endpoint:vc1', ttlSeconds: 14_400, hosts: ['vcenter-prod-01.corp.example.com'] }, createdAt: NOW - 12_000, expiresAt: NOW + 48_000,
});
const toolRequest = (argsPreview: string, client = 'claude-code'): ApprovalRequest => ({
  id: 'a1b2c3d4', client, clientVerified: false, server: 'vsphere', endpoint: 'vc1',
  subject: { kind: 'tool', tool: 'vsphere_power', argsPreview, changes: true }, createdAt: NOW - 90_000, expiresAt: NOW - 1,
});

describe('approvals, approve, deny and lock', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ap-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  describe('without a host', () => {
    for (const argv of [['lock'], ['lock', 'vc1'], ['approvals'], ['approve', '3f9a2c1e'], ['deny', '3f9a2c1e']]) {
      it(`${argv.join(' ')} exits 1 saying how to start the host`, async () => {
        const r = await runIn(home, argv);
        assert.deepEqual(r, { code: 1, stdout: '', stderr: `keybroker ${argv[0]}: ${NOT_RUNNING}\n` });
      });
    }
  });

  describe('with a host', () => {
    let server: ControlServer;
    let handler: FakeControlHandler;
    beforeEach(async () => {
      handler = new FakeControlHandler();
      server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
    });
    afterEach(() => server.close());

    it('approvals lists pending requests in a table with age, expiry and what they allow', async () => {
      handler.approvals = [unlockRequest(), toolRequest(JSON.stringify({ vm: 'vm-42', action: 'off' }, null, 2))];
      const r = await runIn(home, ['approvals'], { now: NOW });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^ID +AGE +EXPIRES IN +CLIENT +SERVER +ENDPOINT +WHAT$/);
      assert.match(lines[1]!, /^3f9a2c1e +12s +48s +claims to be claude-ai +vsphere +vc1 +unlock endpoint:vc1 at vcenter-prod-01\.corp\.example\.com for 4h$/);
      assert.match(lines[2]!, /^a1b2c3d4 +1m30s +expired +claims to be claude-code +vsphere +vc1 +tool vsphere_power \{"vm":"vm-42","action":"off"\}$/);
      // Y7-bindpw: where the unlock sends the password, in full under the table.
      assert.equal(lines[5], '3f9a2c1e  the password of endpoint:vc1 goes to: vcenter-prod-01.corp.example.com', r.stdout);
      assert.match(lines[6]!, /keybroker approve ID/);
      assert.equal(lines.length, 7, r.stdout);
    });

    it('approvals cannot be made to forge rows or send terminal escapes (Security)', async () => {
      const hostile = 'x"}\n3f9a2c1e  0s  60s  claude-ai  vsphere  vc1  unlock endpoint:vc1 for 4h\u001b[2J\u001b]0;pwned\u0007\u202e' + 'y'.repeat(500);
      handler.approvals = [toolRequest(hostile, 'evil\r\nclient\u009b')];
      const r = await runIn(home, ['approvals'], { now: NOW });
      assert.equal(r.code, 0);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 3, r.stdout); // header, one row, hint
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      assert.match(lines[1]!, /^a1b2c3d4 .*evil client\uFFFD .*tool vsphere_power x"} 3f9a2c1e .*\.\.\.$/);
      const what = lines[1]!.slice(lines[0]!.indexOf('WHAT'));
      assert.ok(Array.from(what).length <= 80, what);
    });

    it('approvals --json prints the pending requests as one document; empty says so', async () => {
      let r = await runIn(home, ['approvals']);
      assert.equal(r.stdout, 'no pending approvals\n');
      handler.approvals = [unlockRequest()];
      r = await runIn(home, ['approvals', '--json']);
      assert.deepEqual(JSON.parse(r.stdout), [unlockRequest()]);
    });

    it('approve sends allow-ttl, --once sends allow-once, deny sends deny', async () => {
      handler.approvals = [unlockRequest(), toolRequest('{}'), { ...unlockRequest(), id: '00000001' }];
      assert.deepEqual(await runIn(home, ['approve', '3F9A2C1E']), { code: 0, stdout: 'approved 3f9a2c1e\n', stderr: '' });
      assert.deepEqual(await runIn(home, ['approve', 'a1b2c3d4', '--once']), { code: 0, stdout: 'approved once a1b2c3d4\n', stderr: '' });
      assert.deepEqual(await runIn(home, ['deny', '00000001']), { code: 0, stdout: 'denied 00000001\n', stderr: '' });
      assert.deepEqual(handler.calls.map((c) => c.args), [['3f9a2c1e', 'allow-ttl'], ['a1b2c3d4', 'allow-once'], ['00000001', 'deny']]);
    });

    it('an unknown id is the host error, exit 1; a malformed one is a usage error, exit 2', async () => {
      let r = await runIn(home, ['approve', 'deadbeef']);
      assert.deepEqual(r, { code: 1, stdout: '', stderr: "keybroker approve: no pending approval deadbeef; it may have expired: run 'keybroker approvals'\n" });
      r = await runIn(home, ['deny', 'nope']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^keybroker deny: ID must be the 8-character id shown by 'keybroker approvals'; usage: keybroker deny ID\n$/);
      r = await runIn(home, ['approve']);
      assert.equal(r.code, 2);
      r = await runIn(home, ['deny', '3f9a2c1e', '--once']);
      assert.equal(r.code, 2);
      assert.equal(handler.calls.length, 1);
    });

    it('lock locks everything or one target and says what it locked', async () => {
      handler.unlocked = ['vc1', 'vc2', 'p6a'];
      assert.deepEqual(await runIn(home, ['lock', 'vc2']), { code: 0, stdout: 'locked vc2\n', stderr: '' });
      assert.deepEqual(await runIn(home, ['lock']), { code: 0, stdout: 'locked vc1, p6a\n', stderr: '' });
      assert.deepEqual(await runIn(home, ['lock']), { code: 0, stdout: 'nothing was unlocked\n', stderr: '' });
      assert.deepEqual(handler.calls.map((c) => c.args), [['vc2'], [undefined], [undefined]]);
      const r = await runIn(home, ['lock', 'a', 'b']);
      assert.equal(r.code, 2);
    });
  });
});
