// issue 10 items 6-8 against vcsim: the host logs out upstream however it stops (a closed
// output pipe, SIGTERM, SIGHUP), and `lock` and `endpoint remove` answer only once the old
// session is dead. Upstream state is checked with vcsim's own session list, read by an
// independent client (pyVmomi), and with raw SOAP calls using the old cookie.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { startVcsim, type Vcsim } from '../support/vcsim.js';
import { KEYBROKER_BIN, runKeybroker, waitFor, type CliResult } from '../support/keybroker-cli.js';
import { startServe } from '../support/serve-process.js';
import { startTokenChild } from '../support/token-child.js';
import { cookieIsLive, vcsimSessions } from '../support/vcsim-sessions.js';
import { Host } from '../../src/platform/host/host.js';
import { PendingApprovals } from '../../src/platform/approvals/pending-approvals.js';
import { openHomeKeychain } from '../../src/platform/keychain/open-home-keychain.js';
import { VsphereUpstreamLogin } from '../../src/platform/broker/logins/vsphere-upstream-login.js';
import { P6UpstreamLogin } from '../../src/platform/broker/logins/p6-upstream-login.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { readAudit } from '../../src/platform/audit/read-audit.js';
import type { ApprovalRequest } from '../../src/base/contracts/approval.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const USER = 'administrator@vsphere.local';
const PASSWORD = 'shutdown-test pass';

describe('upstream logout on stop, lock and endpoint remove (vcsim)', () => {
  let ss: SecretService;
  let vcsim: Vcsim;
  const homes: string[] = [];

  /** A fresh home with endpoints vc1 and vc2 on the same vcsim. */
  const newHome = async (names: readonly string[] = ['vc1', 'vc2']): Promise<NodeJS.ProcessEnv> => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-h3-'));
    homes.push(home);
    const env = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
    for (const name of names) await addEndpoint(env, name);
    return env;
  };
  const addEndpoint = async (env: NodeJS.ProcessEnv, name: string, url = vcsim.url): Promise<void> => {
    const r = await runKeybroker(['endpoint', 'add', 'vsphere', name, '--url', url, '--user', USER, '--fingerprint', vcsim.fingerprintSha256, '--password-stdin'], { env, stdin: `${PASSWORD}\n` });
    assert.equal(r.code, 0, r.stderr);
  };
  /** Wait for the next pending approval and approve it with the real CLI. */
  const approveNext = async (env: NodeJS.ProcessEnv): Promise<ApprovalRequest> => {
    const a = await waitFor('a pending approval', async () => {
      const r = await runKeybroker(['approvals', '--json'], { env });
      return r.code === 0 ? (JSON.parse(r.stdout) as ApprovalRequest[])[0] : undefined;
    }, 60_000);
    const r = await runKeybroker(['approve', a.id], { env });
    assert.equal(r.code, 0, r.stderr);
    return a;
  };
  /** One read-only tool call through the gateway, unlocked by one approval: a live upstream session. */
  const callWithApproval = async (env: NodeJS.ProcessEnv, endpoint = 'vc1'): Promise<CliResult> => {
    const call = runKeybroker(['call', 'vsphere', 'vsphere_list_datacenters', '--args', JSON.stringify({ endpoint })], { env, timeoutMs: 90_000 });
    await approveNext(env);
    const r = await call;
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const hostEvents = (env: NodeJS.ProcessEnv) => readAudit(env['KEYBROKER_HOME']!).records;

  before(async () => {
    ss = await startSecretService();
    ss.apply();
    // A slow Logout, as a loaded vCenter has: an answer sent before the logout finished
    // would otherwise still beat the probe (issue 10 measured 20-70 ms).
    vcsim = await startVcsim({ username: USER, password: PASSWORD, delays: { Logout: 400 } });
  });

  after(async () => {
    await vcsim?.stop();
    await ss?.stop();
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  });

  it('`keybroker serve 2>&1 | head -1` survives its approval line on the closed pipe, then logs out on SIGTERM', async () => {
    const env = await newHome(['vc1']);
    assert.deepEqual(await vcsimSessions(vcsim), []);
    // Literally the pipeline a user types; bash reports serve's own exit code afterwards.
    const sh = spawn('bash', ['-c', `"${process.execPath}" "${KEYBROKER_BIN}" serve 2>&1 | head -1; echo "serve exit \${PIPESTATUS[0]}"`], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    sh.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<void>((r) => sh.on('close', () => r()));
    try {
      // Its first line is whichever the host logs first (the isolation note, or the serving line).
      await waitFor('head -1 to print the host\'s first line', () => (/^\[host \d+\] /.test(out) && out.includes('\n') ? true : undefined), 30_000);
      // head has printed its one line; wait until it has exited, so the pipe has no reader.
      await waitFor('head to exit', () => (childPids(sh.pid!).some((p) => cmdline(p) === 'head\0-1\0') ? undefined : true), 10_000);
      const status = JSON.parse((await runKeybroker(['status', '--json'], { env })).stdout) as { host: { running: boolean; pid: number } };
      assert.equal(status.host.running, true);

      // The approval announcement is the first write to the closed pipe: it used to kill the host.
      await callWithApproval(env);
      const live = await vcsimSessions(vcsim);
      assert.equal(live.length, 1, JSON.stringify(live));
      assert.equal(live[0]!.userName, USER);

      process.kill(status.host.pid, 'SIGTERM');
      await exited;
      assert.match(out, /serve exit 0\n/);
    } finally {
      if (sh.exitCode === null) sh.kill('SIGKILL');
    }
    assert.deepEqual(await vcsimSessions(vcsim), []);
    const events = hostEvents(env);
    assert.ok(events.some((r) => r.event === 'session.logout' && r.endpoint === 'vc1' && r.outcome === 'ok'), 'the audit records vc1\'s logout');
    assert.deepEqual(events.at(-1)?.event, 'host.stopped');
    assert.equal(events.at(-1)?.reason, 'SIGTERM');
  });

  it('logs out every upstream session and records host.stopped on SIGHUP (a closed terminal)', async () => {
    const env = await newHome(['vc1']);
    const serve = await startServe(env);
    try {
      await callWithApproval(env);
      assert.equal((await vcsimSessions(vcsim)).length, 1);
      serve.proc.kill('SIGHUP');
      assert.equal(await serve.exited, 0, serve.stderr());
    } finally {
      if (serve.proc.exitCode === null) serve.proc.kill('SIGKILL');
    }
    assert.match(serve.stderr(), /stopping \(SIGHUP\): logging out/);
    assert.deepEqual(await vcsimSessions(vcsim), []);
    const events = hostEvents(env);
    assert.ok(events.some((r) => r.event === 'session.logout' && r.endpoint === 'vc1' && r.outcome === 'ok'), 'the audit records vc1\'s logout');
    assert.deepEqual([events.at(-1)?.event, events.at(-1)?.reason], ['host.stopped', 'SIGHUP']);
    // The children were stopped, not crashed: a hang-up reaches them too, and they leave it to the host.
    assert.ok(!events.some((r) => r.event === 'child.exited' && r.outcome !== 'ok'), JSON.stringify(events.filter((r) => r.event === 'child.exited')));
  });

  it('stops children as stopped, not crashed, and exits 0 when Ctrl-C reaches the whole process group', async () => {
    const env = await newHome([]);
    // Its own process group, as a terminal's foreground job: Ctrl-C goes to every process in it.
    const proc = spawn(process.execPath, [KEYBROKER_BIN, 'serve'], { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    try {
      await waitFor('serve to start', () => (err.includes('serving from') ? true : undefined), 30_000);
      type Children = { name: string; state: string; pid?: number; restarts: number }[];
      const children = async (): Promise<Children> => (JSON.parse((await runKeybroker(['status', '--json'], { env })).stdout) as { children: Children }).children;
      // One call per server: the gateway answers only once that child finished starting (it
      // answered MCP initialize), so its signal handlers are in place.
      const throughGateway = async (server: string, tool: string): Promise<void> => {
        const r = await runKeybroker(['call', server, tool, '--args', '{"endpoint":"no-such-endpoint"}'], { env, timeoutMs: 60_000 });
        assert.match(r.stdout + r.stderr, /no-such-endpoint/);
      };
      await throughGateway('vsphere', 'vsphere_list_datacenters');
      await throughGateway('p6', 'p6_list_projects');
      const running = await children();
      assert.ok(running.length === 2 && running.every((c) => c.state === 'running' && c.pid && c.restarts === 0), JSON.stringify(running));
      // A Ctrl-C or hang-up that reaches a child is the host's business, not the child's: it
      // must not exit on its own (that raced the host's stop and was audited as a crash).
      // Under bubblewrap the pid in status is bwrap's, in a session of its own (detached and
      // --new-session), so no terminal signal can reach it; the group Ctrl-C below checks that.
      // Without a sandbox the node child itself must shrug the signals off.
      const isolation = (JSON.parse((await runKeybroker(['status', '--json'], { env })).stdout) as { host: { isolation?: string } }).host.isolation;
      if (isolation === 'none') {
        for (const c of running) {
          process.kill(c.pid!, 'SIGINT');
          process.kill(c.pid!, 'SIGHUP');
        }
      }
      // Another round trip, sent well after the signals were delivered to the idle children.
      await throughGateway('vsphere', 'vsphere_list_datacenters');
      assert.deepEqual(await children(), running, JSON.stringify(hostEvents(env).filter((r) => r.event.startsWith('child.'))));
      process.kill(-proc.pid!, 'SIGINT');
      assert.equal(await exited, 0, err);
    } finally {
      if (proc.exitCode === null) process.kill(-proc.pid!, 'SIGKILL');
    }
    const exits = hostEvents(env).filter((r) => r.event === 'child.exited');
    assert.equal(exits.length, 2, JSON.stringify(exits));
    assert.ok(exits.every((r) => r.outcome === 'ok' && /^stopped/.test(r.reason ?? '')), JSON.stringify(exits));
    assert.ok(!hostEvents(env).some((r) => r.event === 'child.restarted'), 'no child was restarted while the host stopped');
  });

  it('stops cleanly on a group Ctrl-C that arrives while the children are still starting', async () => {
    const env = await newHome([]);
    const proc = spawn(process.execPath, [KEYBROKER_BIN, 'serve'], { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let err = '';
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    try {
      // At once, as an impatient user would: the children are forked but still loading.
      await new Promise<void>((resolve) => proc.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('serving from')) resolve();
      }));
      process.kill(-proc.pid!, 'SIGINT');
      assert.equal(await exited, 0, err);
    } finally {
      if (proc.exitCode === null) process.kill(-proc.pid!, 'SIGKILL');
    }
    const exits = hostEvents(env).filter((r) => r.event === 'child.exited');
    // Stopped by the host (SIGTERM), never by the terminal's Ctrl-C: they are in a session of their own.
    assert.ok(exits.every((r) => r.outcome === 'ok' && !/SIGINT/.test(r.reason ?? '')), JSON.stringify(exits));
    assert.ok(!hostEvents(env).some((r) => r.event === 'child.restarted'), 'no child was restarted while the host stopped');
    assert.equal(hostEvents(env).at(-1)?.event, 'host.stopped');
  });

  describe('with an in-process host', () => {
    let env: NodeJS.ProcessEnv;
    let host: Host;
    let pending: PendingApprovals;

    before(async () => {
      env = await newHome(['vc1', 'vc2']);
      pending = new PendingApprovals();
      host = await Host.start({ home: env['KEYBROKER_HOME']!, keychain: (await openHomeKeychain(env['KEYBROKER_HOME']!)).keychain, logins: { vsphere: new VsphereUpstreamLogin(), p6: new P6UpstreamLogin() }, approver: pending, pending });
    });
    after(async () => {
      await host?.stop();
      pending?.dispose();
    });

    /** A child holding a live cookie for `endpoint` (approving the unlock if one is asked). */
    const liveCookie = async (child: Awaited<ReturnType<typeof startTokenChild>>, endpoint: string): Promise<string> => {
      const asked = child.token(endpoint, undefined, 60_000);
      let answered = false;
      void asked.then(() => { answered = true; }, () => { answered = true; });
      // Approve the unlock if one is asked; an endpoint still unlocked is granted without one.
      await waitFor('a grant or a pending approval', async () => {
        if (answered) return true;
        const pending = JSON.parse((await runKeybroker(['approvals', '--json'], { env })).stdout) as ApprovalRequest[];
        if (pending[0]) {
          const r = await runKeybroker(['approve', pending[0].id], { env });
          assert.equal(r.code, 0, r.stderr);
          return true;
        }
        return undefined;
      }, 60_000);
      const grant = await asked;
      assert.ok(grant.ok, JSON.stringify(grant));
      assert.equal(await cookieIsLive(vcsim, grant.token), true);
      return grant.token;
    };

    it('`keybroker lock` answers only after the upstream logout: the old cookie is dead when it returns', async () => {
      const child = await startTokenChild(host, 'vsphere');
      try {
        const cookie = await liveCookie(child, 'vc1');
        const r = await runKeybroker(['lock', 'vc1'], { env });
        // Right after the command exits, before anything else: no polling, no grace.
        const live = await cookieIsLive(vcsim, cookie);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'locked endpoint:vc1\n');
        assert.equal(r.stderr, '');
        assert.equal(live, false, 'the cookie still worked after `keybroker lock` returned');
      } finally {
        await child.stop();
      }
    });

    it('`keybroker endpoint remove` ends the removed endpoint\'s session before it returns, with no false warning', async () => {
      const child = await startTokenChild(host, 'vsphere');
      try {
        const cookie = await liveCookie(child, 'vc2');
        const r = await runKeybroker(['endpoint', 'remove', 'vc2'], { env });
        const live = await cookieIsLive(vcsim, cookie);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, '', 'no "did not reload" warning');
        assert.equal(live, false, 'the cookie still worked after `endpoint remove` returned');
        host.audit.flush();
        assert.ok(hostEvents(env).some((x) => x.event === 'session.logout' && x.endpoint === 'vc2' && x.outcome === 'ok'), 'the audit records vc2\'s logout');
        await waitFor('token.revoke in the child', () => child.revokedAt('vc2'));

        // Remove and add again: the reload after the add is just as quiet.
        const add = await runKeybroker(['endpoint', 'add', 'vsphere', 'vc2', '--url', vcsim.url, '--user', USER, '--fingerprint', vcsim.fingerprintSha256, '--password-stdin'], { env, stdin: `${PASSWORD}\n` });
        assert.equal(add.code, 0, add.stderr);
        assert.equal(add.stderr, '');
      } finally {
        await child.stop();
      }
    });

    it('ends the session when an endpoint\'s URL changes under it', async () => {
      const child = await startTokenChild(host, 'vsphere');
      try {
        const cookie = await liveCookie(child, 'vc1');
        // What `endpoint update vc1 --url` does (issue 16): save config.json, tell the host.
        const localhost = vcsim.url.replace('127.0.0.1', 'localhost');
        new ConfigStore(env['KEYBROKER_HOME']!).update((c) => ({ ...c, endpoints: c.endpoints.map((e) => (e.id === 'vc1' ? { ...e, url: localhost } : e)) }));
        await host.reloadConfig([]);
        assert.equal(await cookieIsLive(vcsim, cookie), false);
        await waitFor('token.revoke in the child', () => child.revokedAt('vc1'));
      } finally {
        await child.stop();
      }
    });
  });
});

/** Direct children of `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
