// Issue 10, items 1-2: a compromised MCP server child attacks its host. It floods and breaks
// the channel (oversized frame, endless frame, a flood of valid frames) and goes after the
// keychain (the host's /proc environment, every D-Bus it can find, `secret-tool search`).
// The host must survive each attack with its RSS bounded, audit it, restart the child as a
// crash, and on Linux the sandboxed child must not read a single keychain item. A control
// run without the sandbox shows the same attack does read the password, so this test
// fails if the sandbox is removed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AuditInput } from '../../src/base/contracts/audit-event.js';
import { MAX_CHANNEL_LINE_BYTES } from '../../src/base/contracts/child-channel.js';
import { VsphereUpstreamLogin } from '../../src/platform/broker/logins/vsphere-upstream-login.js';
import { P6UpstreamLogin } from '../../src/platform/broker/logins/p6-upstream-login.js';
import { Host } from '../../src/platform/host/host.js';
import { NapiKeychain } from '../../src/platform/keychain/napi-keychain.js';
import type { ChildProcessHandle } from '../../src/platform/supervisor/child-process-handle.js';
import type { Launcher } from '../../src/platform/supervisor/launcher.js';
import { NodeLauncher } from '../../src/platform/supervisor/node-launcher.js';
import { noSandbox } from '../../src/platform/supervisor/sandbox/sandbox.js';
import { waitFor } from '../support/keybroker-cli.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/compromised-child.mjs');
const MIB = 1024 * 1024;
/** The bound: the host's RSS stays within 50 MiB of where it was before an attack. */
const RSS_BOUND = 50 * MIB;

type Report = Record<string, unknown> & { kind: string };

/** A real Host running the compromised fixture as its only server child. */
async function startHost(keychain: NapiKeychain, launcher?: Launcher) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-evil-'));
  const logs: string[] = [];
  const host = await Host.start({
    home, keychain, logins: { vsphere: new VsphereUpstreamLogin(), p6: new P6UpstreamLogin() },
    approver: { request: async () => 'deny' },
    servers: [{ name: 'evil', kind: 'vsphere', modulePath: FIXTURE }],
    log: (l) => logs.push(l),
    ...(launcher ? { launcher } : {}),
  });
  const audit: AuditInput[] = [];
  host.audit.onDidAppend((r) => audit.push(r));
  const reports: { handle: ChildProcessHandle; report: Report }[] = [];
  const starts: ChildProcessHandle[] = [];
  const watch = (handle: ChildProcessHandle) => {
    starts.push(handle);
    handle.onDidMessage((m) => {
      if ((m as { ch?: string }).ch === 'report') reports.push({ handle, report: m as Report });
    });
  };
  host.supervisor.onDidStart(({ handle }) => watch(handle));
  const first = host.supervisor.get('evil');
  if (first) watch(first);
  // Children start on demand (D77): the first use starts it, as a client's first request
  // would; from then on it is the same supervised, sandboxed child.
  await host.supervisor.wake('evil');
  /** The live child, once it said it is ready. */
  const ready = () => waitFor('the compromised child to be ready', () => {
    const h = host.supervisor.get('evil');
    return h && reports.some((r) => r.handle === h && r.report.kind === 'ready') ? h : undefined;
  }, 30_000);
  const ofKind = (handle: ChildProcessHandle, kind: string) => reports.filter((r) => r.handle === handle && r.report.kind === kind);
  /** The `nth` (1-based) report of `kind` from `handle`, once it arrived. */
  const nextReport = (handle: ChildProcessHandle, kind: string, nth = 1) =>
    waitFor(`a ${kind} report`, () => ofKind(handle, kind)[nth - 1]?.report, 60_000);
  const stop = async () => {
    await host.stop();
    fs.rmSync(home, { recursive: true, force: true });
  };
  return { host, home, logs, audit, starts, ready, nextReport, stop };
}

// Garbage from frames already handled is not memory the attack holds: measure after a full
// collection, so the bound checks what stays, not when V8 chose to collect.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const rssNow = () => {
  gc();
  return process.memoryUsage().rss;
};

describe('a compromised server child', () => {
  let ss: SecretService;
  let keychain: NapiKeychain;
  const secret = `kb-marker-${crypto.randomBytes(12).toString('hex')}`;
  let abstract: net.Server;
  const abstractName = `kb-test-abstract-${process.pid}`;

  before(async () => {
    ss = await startSecretService();
    ss.apply();
    // 0.1's shared service name, which the fixture searches for (`secret-tool search service
    // KeyBroker`): the attack must have something to find, so the control run can prove it.
    keychain = new NapiKeychain('KeyBroker');
    await keychain.set('endpoint:vc1', secret);
    // An abstract-namespace unix socket, like the `@/tmp/dbus-...` address of dbus-launch: not
    // a file, so no mount hides it; it lives in the (shared) network namespace.
    abstract = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => abstract.listen({ path: `\0${abstractName}` }, r));
  });

  after(async () => {
    await new Promise((r) => abstract?.close(r));
    await keychain?.delete('endpoint:vc1').catch(() => false);
    await ss?.stop();
  });

  it('without the sandbox (the control): the same attack reads the password from the keychain', async () => {
    const t = await startHost(keychain, new NodeLauncher({ sandbox: noSandbox('control run of the attack') }));
    try {
      assert.equal((await t.host.status()).host.isolation, 'none');
      assert.ok(t.logs.some((l) => l.startsWith('isolation: none')), 'the host says isolation: none once at start');
      const child = await t.ready();
      child.send({ ch: 'attack', kind: 'recon', hostPid: process.pid, abstract: abstractName });
      const r = await t.nextReport(child, 'recon');
      assert.ok((r['procPids'] as number[]).includes(process.pid), 'the host is visible in /proc');
      assert.equal(r['abstract'], 'connected');
      const outs = (r['lookups'] as { out: string }[]).map((l) => l.out).join('\n');
      assert.ok(outs.includes(secret), `without a sandbox the child reads the password (lookups: ${JSON.stringify(r['addresses'])})`);
    } finally {
      await t.stop();
    }
  });

  it('in the sandbox: cannot see the host, its environment, any D-Bus or the keychain', { skip: process.platform !== 'linux' && 'bubblewrap is Linux only' }, async () => {
    const t = await startHost(keychain);
    try {
      const status = await t.host.status();
      assert.equal(status.host.isolation, 'bubblewrap', "bubblewrap must work here (CI installs the 'bubblewrap' package)");
      assert.equal(t.logs.filter((l) => l.startsWith('isolation:')).length, 1, 'logged once at start');
      const child = await t.ready();
      child.send({ ch: 'attack', kind: 'recon', hostPid: process.pid, abstract: abstractName });
      const r = await t.nextReport(child, 'recon');
      assert.ok(!(r['procPids'] as number[]).includes(process.pid), 'the host pid is not in the child /proc');
      assert.ok((r['procPids'] as number[]).length <= 3, `only the sandbox's own processes are visible: ${JSON.stringify(r['procPids'])}`);
      assert.equal(r['hostEnvReadable'], false);
      assert.equal(r['runUser'], false, 'no /run/user (no $XDG_RUNTIME_DIR, no session bus socket)');
      assert.equal(r['home'], null);
      assert.notEqual(r['abstract'], 'connected', 'an abstract unix socket is out of reach');
      assert.ok(!JSON.stringify(r).includes(secret), 'the sandboxed child read no keychain item');
    } finally {
      await t.stop();
    }
  });

  it('oversized, endless, over-nested, refused and flooding frames: the host survives with bounded RSS, audits, and restarts the child as a crash', async (tc) => {
    const t = await startHost(keychain);
    try {
      const attack = async (frame: Record<string, unknown>, code: string) => {
        const child = await t.ready();
        const before = rssNow();
        const restarts = t.starts.length;
        child.send({ ch: 'attack', ...frame });
        await waitFor(`the ${code} violation to be audited`, () => t.audit.find((a) => a.event === 'frame.invalid' && a.code === code && a.pid === child.pid), 60_000);
        await waitFor('the child to be killed as a crash', () => t.audit.find((a) => a.event === 'child.exited' && a.pid === child.pid && a.code === 'crashed'), 60_000);
        await waitFor('the restarted child', () => (t.starts.length > restarts ? true : undefined), 60_000);
        const grew = rssNow() - before;
        tc.diagnostic(`${frame['kind']} ${frame['mib'] ?? frame['n']}: host RSS ${(before / MIB).toFixed(0)} → ${((before + grew) / MIB).toFixed(0)} MiB`);
        assert.ok(grew < RSS_BOUND, `${code}: host RSS grew by ${(grew / MIB).toFixed(1)} MiB (bound 50 MiB)`);
      };
      // 100 MiB in one frame: Node's IPC used to parse all of it (96 → 614 MiB).
      await attack({ kind: 'oversize', mib: 100 }, 'channel_oversized');
      // 512 MiB and never a newline: used to kill the host (RangeError in parseChannelMessages).
      await attack({ kind: 'endless', mib: 512 }, 'channel_oversized');
      // 10 MiB, under the size limit, that would parse into ~5 million nested arrays.
      await attack({ kind: 'deep', mib: 10 }, 'channel_too_complex');
      // 100,000 small frames the host must refuse: each would be an audit line.
      const junkChild = await t.ready();
      await attack({ kind: 'junk', n: 100_000 }, 'channel_invalid_frames');
      const refused = t.audit.filter((a) => a.event === 'frame.invalid' && a.pid === junkChild.pid).length;
      tc.diagnostic(`junk: ${refused} frame.invalid records for 100000 refused frames`);
      assert.ok(refused <= 64 + 3, `at most the budget (64), the ready report and the violation are audited, not ${refused}`);
      // A flood of valid frames (200 MiB in 16 KiB frames): read, handled and dropped as they
      // come. Its garbage leaves RSS up by 15-100 MiB right after a collection (V8 and malloc
      // give pages back lazily; the same for 200 or 800 MiB of flood), so what is bounded here
      // is the memory the host still holds: heap, external and array buffers after a collection.
      const child = await t.ready();
      const live = () => {
        gc();
        const m = process.memoryUsage();
        return m.heapUsed + m.external + m.arrayBuffers;
      };
      const before = live();
      const rssBefore = process.memoryUsage().rss;
      let peak = 0;
      const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
      child.send({ ch: 'attack', kind: 'flood', n: 12_800, kib: 16 });
      await t.nextReport(child, 'flood-done');
      clearInterval(sampler);
      const grew = live() - before;
      tc.diagnostic(`flood 12800 x 16 KiB: live memory +${(grew / MIB).toFixed(1)} MiB; RSS ${(rssBefore / MIB).toFixed(0)} → ${(process.memoryUsage().rss / MIB).toFixed(0)} MiB (peak ${(peak / MIB).toFixed(0)} MiB)`);
      assert.ok(grew < RSS_BOUND, `flood: the host holds ${(grew / MIB).toFixed(1)} MiB more (bound 50 MiB)`);
      assert.equal(t.host.supervisor.get('evil'), child, 'a flood of valid frames is not a violation');
      const status = await t.host.status();
      assert.deepEqual(status.children.map((c) => [c.name, c.state, c.restarts]), [['evil', 'running', 4]]);
      assert.ok(MAX_CHANNEL_LINE_BYTES < 20 * MIB, 'the channel line cap (MAX_CHANNEL_LINE_BYTES) stays below 20 MiB');
    } finally {
      await t.stop();
    }
  });
});
