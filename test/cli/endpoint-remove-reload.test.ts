// issue 10 item 7: `endpoint remove` tells the host what changed. A deleted credential is
// named; a shared domain credential that stays is not, so its other endpoints stay unlocked
// (the host ends the removed endpoint's own session because it is gone from config.json).
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ControlServer } from '../../src/platform/control/control-server.js';
import { controlSocketPath } from '../../src/platform/control/control-socket-path.js';
import { FakeControlHandler } from '../mocks/fake-control-handler.js';
import { MemoryKeychain } from '../mocks/memory-keychain.js';
import { runIn } from './harness.js';

describe('keybroker endpoint remove with a running host', () => {
  let base: string;
  let home: string;
  let keychain: MemoryKeychain;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ep-rm-'));
    home = path.join(base, 'home');
    keychain = new MemoryKeychain();
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('names the domain credential only when the last endpoint using it goes', async () => {
    for (const name of ['vc1', 'vc2']) {
      const r = await runIn(home, ['endpoint', 'add', 'vsphere', name, '--url', `https://${name}.corp.example`, '--user', 'u', '--domain', 'corp.example', '--no-verify', '--password-stdin'], { stdin: 'pw\n', keychain });
      assert.equal(r.code, 0, r.stderr);
    }
    const handler = new FakeControlHandler();
    const server = await ControlServer.listen({ socketPath: controlSocketPath(home, {}), handler });
    try {
      for (const name of ['vc1', 'vc2']) {
        const r = await runIn(home, ['endpoint', 'remove', name], { keychain });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, '');
      }
      assert.deepEqual(handler.calls, [
        { op: 'config.reload', args: [[]] },
        { op: 'config.reload', args: [['domain:corp.example']] },
      ]);
    } finally {
      await server.close();
    }
  });
});
