import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, type Agent } from 'undici';
import { createUpstreamDispatcher } from '../../src/connectors/tls/index.js';
import { terminate } from './daemon-process.js';
import { HANG_GUARD_MS } from './wait.js';

/** Inventory size and credentials for one simulator; defaults are vcsim's VPX model. */
export interface VcsimOptions {
  /** VMs per resource pool and per standalone host (default 2). */
  readonly vms?: number;
  readonly clusters?: number;
  /** Hosts per cluster (default 3). */
  readonly hosts?: number;
  /** Standalone hosts (default 1). */
  readonly standalone?: number;
  /** With `password`, Login accepts only this pair; without, any non-empty pair. */
  readonly username?: string;
  readonly password?: string;
  /** Extra milliseconds per SOAP method, e.g. `{ PowerOnVM_Task: 500 }`. */
  readonly delays?: Readonly<Record<string, number>>;
  /**
   * How often WaitForUpdatesEx looks for changes, in ms. Debian's govmomi 0.24.2 waits 250 ms
   * even with maxWaitSeconds 0 (vCenter answers that at once); govmomi 0.25 and later wait
   * 20 ms. Any other value builds a variant binary with only that line changed (a `go build
   * -overlay`, the source untouched): for the kept-inventory bench (issue 17).
   */
  readonly collectorTickMs?: number;
}

/** A running vcsim over HTTPS with its self-signed certificate. */
export interface Vcsim {
  /** `https://127.0.0.1:PORT/sdk` */
  readonly url: string;
  /** SHA-256 of the certificate, upper-case colon form: pin this. */
  readonly fingerprintSha256: string;
  /** A pair Login accepts (vcsim's default `user`/`pass` when none was enforced). */
  readonly username: string;
  readonly password: string;
  /** SOAP calls received so far, by method name. */
  counts(): Promise<Record<string, number>>;
  /** Kill the simulator and wait for it to exit. Idempotent. */
  stop(): Promise<void>;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = path.join(ROOT, 'test/vcsim/main.go');
const INSTALL = 'install golang-go golang-github-vmware-govmomi-dev (apt-get install golang-go golang-github-vmware-govmomi-dev)';
const BUILD_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = HANG_GUARD_MS;

const live = new Set<ChildProcess>();
let binary: Promise<string> | undefined;
let exitHookRegistered = false;

/** Build (once per main.go version, cached in .cache/vcsim) and start a simulator. */
export async function startVcsim(options: VcsimOptions = {}): Promise<Vcsim> {
  if ((options.username === undefined) !== (options.password === undefined)) {
    throw new Error('startVcsim: give username and password together');
  }
  const bin = options.collectorTickMs === undefined || options.collectorTickMs === 250 ? await vcsimBinary() : await vcsimTickVariant(options.collectorTickMs);
  const args = ['-vms', String(options.vms ?? 2), '-clusters', String(options.clusters ?? 1)];
  args.push('-hosts', String(options.hosts ?? 3), '-standalone', String(options.standalone ?? 1));
  if (options.username !== undefined) args.push('-username', options.username, '-password', options.password!);
  for (const [method, ms] of Object.entries(options.delays ?? {})) args.push('-delay', `${method}:${ms}`);

  // stdin stays open as a lifeline: vcsim exits when it closes, even if we are SIGKILLed.
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  registerExitCleanup();
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  child.stdin!.on('error', () => {});
  // Without a listener a failed spawn (ENOENT) would crash the test process.
  child.on('error', () => {});

  let ready: { url: string; fingerprintSha256: string };
  try {
    ready = await readReadyLine(child, () => stderr);
  } catch (error) {
    await terminate(child);
    throw error;
  }
  // Unref'd once up: a test that forgets stop() must not hang; the exit hook still kills it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();

  const dispatcher: Agent = createUpstreamDispatcher({ fingerprintSha256: ready.fingerprintSha256 });
  const countsUrl = new URL('/kbtest/counts', ready.url);
  let stopped: Promise<void> | undefined;
  return {
    url: ready.url,
    fingerprintSha256: ready.fingerprintSha256,
    username: options.username ?? 'user',
    password: options.password ?? 'pass',
    async counts() {
      const res = await request(countsUrl, { dispatcher });
      return (await res.body.json()) as Record<string, number>;
    },
    stop() {
      stopped ??= dispatcher.close().then(() => terminate(child));
      return stopped;
    },
  };
}

/** Waits for vcsim's one JSON line; rejects with its stderr tail if it dies or hangs. */
function readReadyLine(child: ChildProcess, stderr: () => string): Promise<{ url: string; fingerprintSha256: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    const done = (): void => {
      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
    };
    const fail = (why: string): void => {
      done();
      reject(new Error(`vcsim ${why}: ${stderr().trim().split('\n').slice(-5).join(' | ') || 'no stderr'}`));
    };
    const onError = (error: Error): void => fail(`could not start (${error.message})`);
    const onExit = (code: number | null, signal: string | null): void => fail(`exited before it was ready (${code ?? signal})`);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      done();
      // Keep draining stdout so vcsim can never block on a full pipe.
      child.stdout!.resume();
      try {
        resolve(JSON.parse(out.slice(0, nl)) as { url: string; fingerprintSha256: string });
      } catch {
        reject(new Error(`vcsim printed an unexpected first line: ${out.slice(0, nl)}`));
      }
    };
    const timer = setTimeout(() => fail(`printed no ready line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.on('error', onError);
    child.on('exit', onExit);
    child.stdout!.on('data', onData);
  });
}

/** A vcsim and an undici dispatcher pinned to its certificate: how a connector test talks to it. */
export interface PinnedVcsim {
  readonly vcsim: Vcsim;
  readonly dispatcher: Agent;
  /** Close the dispatcher, then stop vcsim. */
  stop(): Promise<void>;
}

/** startVcsim, plus the pinned dispatcher every connector test opens beside it. */
export async function startPinnedVcsim(options: VcsimOptions = {}): Promise<PinnedVcsim> {
  const vcsim = await startVcsim(options);
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
  return {
    vcsim,
    dispatcher,
    stop: async () => {
      await dispatcher.close();
      await vcsim.stop();
    },
  };
}

/** The vcsim binary, built once per process; exported for scripts/vcsim.mjs, which starts it
 * from a shell with the flags passed through. `onCompile` runs once before a build (not when cached). */
export function vcsimBinary(onCompile?: () => void): Promise<string> {
  binary ??= buildGoBinary(SOURCE, 'vcsim', onCompile);
  return binary;
}

const COLLECTOR_GO = '/usr/share/gocode/src/github.com/vmware/govmomi/simulator/property_collector.go';
const TICK_LINE = 'ticker := time.NewTicker(250 * time.Millisecond)';

/** vcsim with WaitForUpdatesEx's tick set to `ms` (VcsimOptions.collectorTickMs); built once, cached beside the plain one. */
async function vcsimTickVariant(ms: number): Promise<string> {
  if (!Number.isInteger(ms) || ms < 1 || ms > 10_000) throw new Error(`collectorTickMs must be a whole number of ms from 1 to 10000, got ${ms}`);
  const original = fs.readFileSync(COLLECTOR_GO, 'utf8');
  if (!original.includes(TICK_LINE)) throw new Error(`${COLLECTOR_GO} has no "${TICK_LINE}": not govmomi 0.24.2's simulator`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-vcsim-tick-'));
  try {
    const replaced = path.join(dir, 'property_collector.go');
    fs.writeFileSync(replaced, original.replace(TICK_LINE, `ticker := time.NewTicker(${ms} * time.Millisecond)`));
    const overlay = path.join(dir, 'overlay.json');
    fs.writeFileSync(overlay, JSON.stringify({ Replace: { [COLLECTOR_GO]: replaced } }));
    return await buildGoBinary(SOURCE, `vcsim-tick${ms}`, undefined, ['-overlay', overlay]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** True when the binary for the current main.go is already in .cache/vcsim (scripts/test.mjs says so). */
export function vcsimIsBuilt(): boolean {
  return fs.existsSync(goBinaryPath(SOURCE, 'vcsim'));
}

function goBinaryPath(source: string, name: string): string {
  const hash = createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 12);
  return path.join(ROOT, '.cache', name, `${name}-${hash}`);
}

/**
 * Builds one Go file on Debian's govmomi (GOPATH mode) into `.cache/<name>/<name>-<sha256 of
 * the file, first 12 hex>`, so an edit rebuilds and anything else reuses the binary. Built
 * into a temp name and renamed atomically so test files building in parallel never see a
 * half-written binary. Exported for the Go peers of the benchmarks (bench/peers). `onCompile`
 * runs just before a build starts, so a human is told why nothing happens for a while.
 */
export async function buildGoBinary(source: string, name: string, onCompile?: () => void, buildFlags: readonly string[] = []): Promise<string> {
  const bin = goBinaryPath(source, name);
  if (fs.existsSync(bin)) return bin;
  onCompile?.();
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    GOPATH: '/usr/share/gocode',
    GO111MODULE: 'off',
    GOFLAGS: '',
    GOCACHE: process.env['GOCACHE'] ?? path.join(ROOT, '.cache/go-build'),
  };
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('go', ['build', ...buildFlags, '-o', tmp, path.basename(source)], { cwd: path.dirname(source), env, timeout: BUILD_TIMEOUT_MS }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`go is not installed; ${INSTALL}`));
        const tail = stderr.trim().split('\n').slice(-5).join(' | ');
        reject(new Error(`building ${path.relative(ROOT, source)} failed (${tail || error.message}); if govmomi is missing, ${INSTALL}`));
      });
    });
    fs.renameSync(tmp, bin);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return bin;
}

function registerExitCleanup(): void {
  if (exitHookRegistered) return;
  exitHookRegistered = true;
  // 'exit' handlers must be synchronous: SIGKILL whatever is still running.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}
