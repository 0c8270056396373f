// Host.stop() in the middle of a child's start, on a real Host with a real sandboxed child
// run under tsx (slow to load, as the server that hung a test): right after Host.start(),
// twice at once, and while a call has just woken an on-demand child. Every wait is guarded,
// so a hang fails the test instead of the runner. The supervisor-level cases, with a child
// that loads until told, are in test/platform/supervisor/supervisor-stop-race.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Config, emptyConfig } from '../../../src/base/contracts/config.js';
import { PendingApprovals } from '../../../src/platform/approvals/pending-approvals.js';
import { P6UpstreamLogin } from '../../../src/platform/broker/logins/p6-upstream-login.js';
import { VsphereUpstreamLogin } from '../../../src/platform/broker/logins/vsphere-upstream-login.js';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { Host } from '../../../src/platform/host/host.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';
import { readAudit } from '../../support/audit-file.js';
import { childProcessesNamed, killChildProcessesNamed } from '../../support/child-processes.js';
import { until } from '../../support/wait.js';
import { guard, isGone } from '../supervisor/supervisor-harness.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/mcp-test-server.ts');
/** The child's server name, unique to this run: /proc is searched for its processes. */
const SERVER = `stoptest${process.pid}`;

const homes: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  // A planted-bug run may leave an orphaned sandboxed child holding this process's pipes.
  killChildProcessesNamed(SERVER);
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

/** A Host over one tsx child SERVER; `idleStopSeconds` 0 is always on. */
async function startHost(idleStopSeconds: number): Promise<{ host: Host; home: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-host-stop-'));
  homes.push(home);
  new ConfigStore(home).save(Config.parse({ ...emptyConfig(), children: { idleStopSeconds } }));
  const pending = new PendingApprovals();
  const host = await Host.start({
    home, keychain: new MemoryKeychain(), approver: pending, pending,
    logins: { vsphere: new VsphereUpstreamLogin(), p6: new P6UpstreamLogin() },
    servers: [{ name: SERVER, kind: 'vsphere', modulePath: FIXTURE, execArgv: ['--import', 'tsx'] }],
    log: () => undefined,
  });
  cleanups.push(async () => {
    await host.stop();
    pending.dispose();
  });
  return { host, home };
}

describe('Host.stop() during a child start', () => {
  it('right after Host.start(), with the always-on child still loading: resolves, the child is gone, nothing restarts it', async () => {
    const { host, home } = await startHost(0);
    const pid = host.supervisor.get(SERVER)?.pid;
    assert.ok(pid, 'the always-on child was started by Host.start()');
    await guard('Host.stop() of a host whose child is loading', host.stop('test'));
    assert.ok(isGone(pid), 'the loading child is gone after Host.stop()');
    // Stopped this early, bwrap used to die before its child armed --die-with-parent: an orphan.
    await until(`end of every process of ${SERVER}`, () => childProcessesNamed(SERVER).length === 0);
    assert.deepEqual(host.supervisor.status().map((c) => c.state), ['stopped']);
    const events = readAudit(home).filter((r) => r.event.startsWith('child.') || r.event === 'host.stopped').map((r) => [r.event, r.outcome]);
    assert.deepEqual(events, [['child.started', 'ok'], ['child.exited', 'ok'], ['host.stopped', undefined]]);
  });

  it('twice at once: the second stop resolves only when the first is done (children gone, host.stopped audited once)', async () => {
    const { host, home } = await startHost(0);
    const pid = host.supervisor.get(SERVER)?.pid ?? 0;
    const first = host.stop('first');
    const second = host.stop('second');
    await guard('the second Host.stop()', second);
    assert.ok(isGone(pid), 'the second stop waited for the child to exit');
    assert.deepEqual(host.supervisor.status().map((c) => c.state), ['stopped']);
    assert.deepEqual(readAudit(home).filter((r) => r.event === 'host.stopped').map((r) => r.reason), ['first']);
    await guard('the first Host.stop()', first);
    await guard('a third Host.stop() after the end', host.stop('third'));
  });

  it('while a call has just woken an on-demand child: the call fails with an error, stop resolves, nothing restarts', async () => {
    const { host, home } = await startHost(3600);
    const connect = async () => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await host.gateway.openSession({ server: SERVER, clientLabel: 'host-stop-test', via: 'cli', transport: serverSide });
      const client = new Client({ name: 'host-stop-test', version: '1' }, { capabilities: {} });
      await client.connect(clientSide);
      cleanups.unshift(() => client.close().catch(() => undefined));
      return client;
    };
    // A first run leaves the tool manifest behind; then the child is parked (idle), so the
    // next session needs no child and only the call below starts one.
    await guard('the first tool list', (await connect()).listTools());
    assert.deepEqual(host.stopIdleChildren(), [SERVER]);
    await until('the child to be parked', () => host.supervisor.get(SERVER) === undefined && host.supervisor.status()[0]?.state === 'idle');
    const client = await connect();
    assert.deepEqual(host.supervisor.status().map((c) => c.state), ['idle']);
    // The call wakes the child; the host is told to stop the moment that child is spawned.
    let stopped: Promise<void> | undefined;
    host.supervisor.onDidStart(() => {
      stopped ??= host.stop('stop during an on-demand start');
    });
    const call = client.callTool({ name: 'echo', arguments: { text: 'never answered' } }).then(
      (r) => ({ answered: r }),
      (e: unknown) => ({ failed: e instanceof Error ? e.message : String(e) }),
    );
    const outcome = await guard('the call during the stop', call);
    assert.ok(stopped, 'the call woke the child');
    await guard('Host.stop() during an on-demand start', stopped);
    await until(`end of every process of ${SERVER}`, () => childProcessesNamed(SERVER).length === 0);
    assert.ok('failed' in outcome, `the call must fail, got ${JSON.stringify(outcome)}`);
    // The host closed the session: the client hears it at once, not after the gateway's 15 s wait.
    assert.match(outcome.failed, /Connection closed/);
    const events = readAudit(home).filter((r) => r.event.startsWith('child.') || r.event === 'host.stopped').map((r) => [r.event, r.outcome]);
    assert.deepEqual(events, [['child.started', 'ok'], ['child.exited', 'ok'], ['child.restarted', 'ok'], ['child.exited', 'ok'], ['host.stopped', undefined]]);
  });
});
