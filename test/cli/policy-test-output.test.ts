// `keybroker policy test` against a scripted host: a call that would fail before any decision
// is a failure on stderr with stdout empty, as `call` does (D148); a decision is data
// on stdout.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ControlServer } from '../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../mocks/fake-control-handler.js';
import { runIn } from './harness.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-cli-policy-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('keybroker policy test output', () => {
  it('prints a call that would fail first as one line on stderr, exit 1, stdout empty; --json keeps it as data', async () => {
    const home = path.join(root, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    const handler = new FakeControlHandler();
    const server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
    try {
      const argv = ['policy', 'test', 'vsphere', 'vsphere_power', '--args', '{"vm":"web-01"}'];
      let r = await runIn(home, argv);
      assert.deepEqual(r, { code: 0, stdout: 'ASK (default): every change asks (no rule allows it)\n  no plan (a read): rules with inventory conditions cannot match it\n', stderr: '' });

      handler.policyTestValue = { decision: 'deny', reason: '', unevaluated: [], limits: [], definitionChanged: false, error: 'vsphere_power needs an endpoint argument' };
      r = await runIn(home, argv);
      assert.deepEqual(r, { code: 1, stdout: '', stderr: 'keybroker policy: no decision: the call would fail first: vsphere_power needs an endpoint argument; fix that and test again\n' });
      r = await runIn(home, [...argv, '--json']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, '');
      assert.equal(JSON.parse(r.stdout).error, 'vsphere_power needs an endpoint argument');
    } finally {
      await server.close();
    }
  });
});
