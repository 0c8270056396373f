import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnDaemon, startWatchdog, tailFile, terminate } from './daemon-process.js';
import { DbusSendMissingError, dbusSend, replyObjectPath } from './dbus-send.js';
import { HANG_GUARD_MS } from './wait.js';

/** A private Secret Service: its own D-Bus session bus with gnome-keyring on it. */
export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS, HOME and XDG_* dirs to give child processes. */
  readonly env: Readonly<Record<string, string>>;
  /** The temp dir holding the bus socket and keyrings; removed by stop(). */
  readonly dir: string;
  /** PIDs of dbus-daemon and gnome-keyring-daemon. */
  readonly pids: readonly number[];
  /** Put `env` into process.env. Call before the first keychain use: libdbus reads the address once per process. */
  apply(): void;
  /** Lock the login collection, as a screen lock would; unlocking needs a prompt, so this is one-way. */
  lock(): Promise<void>;
  /** Kill both daemons, restore what apply() changed, remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const LOGIN = '/org/freedesktop/secrets/collection/login';
const INSTALL = 'install the packages: apt-get install gnome-keyring dbus';
/** How many times a gnome-keyring-daemon that crashes while starting is started (see startSecretService). */
const START_ATTEMPTS = 3;
const live = new Set<() => void>();
// Best effort for a normal exit; the watchdog covers signals and SIGKILL.
process.on('exit', () => live.forEach((kill) => kill()));

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Session bus config with no service dirs: nothing is ever activated, so a prompt fails fast instead of spawning a GUI. */
const busConfig = (socket: string) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=${xml(socket)}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n`;

function fail(what: string, cause?: unknown): Error {
  return new Error(`Secret Service test harness: ${what}; ${INSTALL}`, { cause });
}

function readAddress(bus: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(fail(`dbus-daemon printed no address in ${timeoutMs} ms`)), timeoutMs);
    const settle = (err: Error | undefined, address = '') => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(address);
    };
    bus.once('error', (err) => settle(fail(`cannot run dbus-daemon (${err.message})`, err)));
    bus.once('exit', (code) => settle(fail(`dbus-daemon exited with ${code} before listening`)));
    bus.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      if (buf.includes('\n')) settle(undefined, buf.slice(0, buf.indexOf('\n')).trim());
    });
  });
}

/** Poll until the login collection is the default alias and unlocked; gnome-keyring takes the bus name before it has loaded it. */
async function waitReady(address: string, keyring: ChildProcess, errFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    if (keyring.pid === undefined) throw fail('cannot run gnome-keyring-daemon (not found on PATH)');
    if (keyring.exitCode !== null || keyring.signalCode !== null) {
      throw fail(`gnome-keyring-daemon exited (${keyring.exitCode ?? keyring.signalCode}): ${tailFile(errFile) || 'no output'}`);
    }
    try {
      const alias = replyObjectPath(await dbusSend(address, 'org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.ReadAlias', 'string:default'));
      if (alias === LOGIN) {
        const locked = await dbusSend(address, 'org.freedesktop.secrets', LOGIN, 'org.freedesktop.DBus.Properties.Get', 'string:org.freedesktop.Secret.Collection', 'string:Locked');
        if (/boolean false/.test(locked)) return;
        last = 'the login collection is locked';
      } else last = `default alias is ${alias ?? 'unset'}, not the login collection`;
    } catch (err) {
      if (err instanceof DbusSendMissingError) throw fail(err.message, err);
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw fail(`no unlocked login keyring after ${timeoutMs} ms (${last}); gnome-keyring said: ${tailFile(errFile) || 'nothing'}`);
    await sleep(50);
  }
}

/**
 * Start a private D-Bus session bus and `gnome-keyring-daemon --unlock` on it, with HOME
 * and XDG dirs in a fresh temp dir, and resolve once an unlocked `login` collection is the
 * default. The machine's own session bus and keyrings are never touched.
 */
export async function startSecretService(options: { timeoutMs?: number } = {}): Promise<SecretService> {
  const timeoutMs = options.timeoutMs ?? HANG_GUARD_MS;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ss-'));
  const [home, data, config, cache, run] = ['home', 'data', 'config', 'cache', 'run'].map((d) => path.join(dir, d)) as [string, string, string, string, string];
  for (const d of [home, data, config, cache, run]) fs.mkdirSync(d, { mode: 0o700 });
  const socket = path.join(run, 'bus');
  // sun_path holds 108 bytes; a long TMPDIR would make dbus-daemon fail obscurely.
  if (Buffer.byteLength(socket) > 100) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`Secret Service test harness: socket path ${socket} is too long; set TMPDIR to a shorter directory`);
  }
  fs.writeFileSync(path.join(dir, 'bus.conf'), busConfig(socket));

  const watchdog = startWatchdog(dir);
  const children: ChildProcess[] = [];
  const track = (child: ChildProcess): ChildProcess => {
    children.push(child);
    if (child.pid !== undefined) watchdog.adopt(child.pid);
    return child;
  };
  const killSync = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  live.add(killSync);

  const saved = new Map<string, string | undefined>();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map((c) => terminate(c)));
    for (const [k, v] of saved) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    fs.rmSync(dir, { recursive: true, force: true });
    // Only now: until the daemons are reaped and the dir is gone, a crash must still clean up.
    live.delete(killSync);
    watchdog.disarm();
  };

  try {
    const pathEnv = process.env['PATH'] ?? '/usr/bin:/bin';
    const bus = track(spawnDaemon('dbus-daemon', [`--config-file=${path.join(dir, 'bus.conf')}`, '--nofork', '--print-address=1'], { PATH: pathEnv }, path.join(dir, 'bus.err'), { stdin: 'ignore', stdout: 'pipe' }));
    const address = await readAddress(bus, timeoutMs);
    (bus.stdout as Socket | null)?.unref();
    const env = { DBUS_SESSION_BUS_ADDRESS: address, HOME: home, XDG_DATA_HOME: data, XDG_CONFIG_HOME: config, XDG_CACHE_HOME: cache, XDG_RUNTIME_DIR: run };

    // --unlock reads the login password from stdin up to EOF. A non-empty password is
    // required: with an empty one gnome-keyring creates no login collection at all.
    // gnome-keyring-daemon (Debian's 46/48) can abort during its own start-up: a GLib
    // assertion in its D-Bus property handler when a query arrives before its session is set
    // up (seen once in ~20 suite runs, in CI's clean clone). That is the daemon failing to
    // start, not a test failing, so a start that ends in a crash before the keyring is ready is
    // tried again, from an empty data folder, at most START_ATTEMPTS times in all; a daemon
    // that is running but never gets ready still fails at once, with its output.
    for (let attempt = 1; ; attempt++) {
      const gkErr = path.join(dir, `gnome-keyring-${attempt}.err`);
      const keyring = track(spawnDaemon('gnome-keyring-daemon', ['--foreground', '--components=secrets', '--unlock'], { PATH: pathEnv, ...env }, gkErr, { stdin: 'pipe', stdout: 'ignore' }));
      keyring.stdin?.on('error', () => {}).end(randomBytes(16).toString('hex'));
      try {
        await waitReady(address, keyring, gkErr, timeoutMs);
        break;
      } catch (err) {
        const crashed = keyring.signalCode !== null || (keyring.exitCode !== null && keyring.exitCode !== 0);
        if (!crashed || attempt >= START_ATTEMPTS) throw err;
        await terminate(keyring);
        // Its half-made login keyring would not open with the next attempt's password.
        fs.rmSync(data, { recursive: true, force: true });
        fs.mkdirSync(data, { mode: 0o700 });
      }
    }

    return {
      env,
      dir,
      pids: children.map((c) => c.pid as number),
      apply() {
        for (const [k, v] of Object.entries(env)) {
          if (!saved.has(k)) saved.set(k, process.env[k]);
          process.env[k] = v;
        }
      },
      async lock() {
        await dbusSend(address, 'org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', `array:objpath:${LOGIN}`);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
