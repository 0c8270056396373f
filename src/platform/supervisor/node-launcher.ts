import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Isolation } from '../../base/contracts/child-channel.js';
import { Emitter } from '../../base/events/emitter.js';
import { toDisposable } from '../../base/lifecycle/disposable.js';
import { readChildFrames, writeChildFrame, type ChannelViolation } from './child-channel.js';
import { childCommand } from './child-command.js';
import { readChildLogLines } from './child-log-lines.js';
import { snapshotCodeLoad } from './code-load/snapshot-preload.js';
import type { LaunchedChild, LaunchSpec, Launcher } from './launcher.js';
import { detectSandbox } from './sandbox/detect-sandbox.js';
import { FIRST_DATA_FD, type Sandbox } from './sandbox/sandbox.js';

/** Options of the NodeLauncher. */
export interface NodeLauncherOptions {
  /** Default: what `detectSandbox()` finds (bubblewrap on Linux, sandbox-exec on macOS, else none). */
  readonly sandbox?: Sandbox;
  /** Folders no child may see, whatever the sandbox binds (the KeyBroker home with its sockets). */
  readonly hide?: readonly string[];
}

/**
 * Launches children as `node` processes (DESIGN.md "Processes"), each with a dedicated pipe
 * on fd 3 carrying newline-delimited JSON frames both ways. Security: never Node's built-in
 * IPC (its reader buffers and parses a whole message before our limits can apply); the
 * frames are read by the bounded framer, and the child runs inside the sandbox.
 */
export class NodeLauncher implements Launcher {
  private readonly sandbox: Sandbox;
  private readonly hide: readonly string[];
  /** Its children run a config.json server's entry from the snapshot's bytes (D263). */
  readonly runsSnapshots = true;

  constructor(options: NodeLauncherOptions = {}) {
    this.sandbox = options.sandbox ?? detectSandbox();
    this.hide = options.hide ?? [];
  }

  get isolation(): Isolation {
    return this.sandbox.isolation;
  }

  get isolationNote(): string {
    return this.sandbox.note;
  }

  launch(spec: LaunchSpec): LaunchedChild {
    // Security: exactly the allow-listed env plus the channel's name; nothing inherited implicitly.
    // Security (D263): a config.json server's node runs its entry from the bytes
    // the approval was given for, handed over on a pipe, in every sandbox and in none.
    const load = snapshotCodeLoad(spec.snapshot);
    const wrapped = this.sandbox.wrap(childCommand(spec, this.hide, process.execPath, load?.args));
    const data = wrapped.dataFds ?? [];
    const stdio: Array<'pipe' | 'ignore'> = ['ignore', 'pipe', 'pipe', 'pipe', wrapped.fd4 ? 'pipe' : 'ignore', wrapped.infoFd5 ? 'pipe' : 'ignore', ...data.map(() => 'pipe' as const)];
    if (load) {
      while (stdio.length < load.fd) stdio.push('ignore');
      stdio[load.fd] = 'pipe';
    }
    while (stdio.length > 4 && stdio.at(-1) === 'ignore') stdio.pop();
    const child = spawn(wrapped.file, [...wrapped.args], {
      env: { ...wrapped.env },
      ...(wrapped.cwd ? { cwd: wrapped.cwd } : {}),
      stdio,
      windowsHide: true,
      // Its own session, out of the terminal's foreground process group: a Ctrl-C or hang-up
      // is for the host, which stops its children itself. Otherwise a child still loading
      // (no handler yet) died of the terminal's SIGINT and was audited as a crash (issue 10
      // item 6). A child still exits when the host dies: its channel closes. Not on Windows,
      // where detached means a console of its own.
      detached: process.platform !== 'win32',
    });
    const channel = child.stdio[3] as (Readable & Writable) | null;
    if (wrapped.fd4) (child.stdio[4] as Writable | null)?.on('error', () => undefined).end(wrapped.fd4);
    // The snapshot's bytes for bubblewrap's --ro-bind-data (D2-modulebytes), each on its own fd from 6.
    data.forEach((bytes, i) => ((child.stdio as unknown as ReadonlyArray<Writable | null>)[FIRST_DATA_FD + i])?.on('error', () => undefined).end(bytes));
    if (load) ((child.stdio as unknown as ReadonlyArray<Writable | null>)[load.fd])?.on('error', () => undefined).end(load.payload);
    // With bubblewrap, `child.pid` is bwrap's; the sandboxed node is another pid (it runs as
    // pid 1 of its namespace). SIGTERM must reach node itself to let it shut down cleanly.
    let innerPid: number | undefined;
    // A SIGTERM asked for before bwrap has said which pid node has: sent once it has.
    let deferred: NodeJS.Signals | undefined;
    if (wrapped.infoFd5) {
      const info = (child.stdio as unknown as ReadonlyArray<Readable | null>)[5];
      let text = '';
      info?.on('error', () => undefined).on('data', (d: Buffer) => {
        if (innerPid !== undefined) return;
        text += d.toString('utf8');
        const m = /"child-pid":\s*(\d+)/.exec(text);
        if (!m) return;
        innerPid = Number(m[1]);
        const signal = deferred;
        deferred = undefined;
        if (signal) kill(signal);
      });
    }
    const logListeners = new Set<(line: string) => void>();
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      // Bounded per line: a child cannot make the host buffer without end (child-log-lines.ts).
      readChildLogLines(stream, (line) => {
        for (const l of logListeners) l(line);
      });
    }
    const messages = new Emitter<unknown>();
    // Whether the child has sent a frame yet: our runtime installs its SIGTERM handler before
    // it sends its first one (run-server.ts), so until then it is still loading.
    let heard = false;
    const violations = new Emitter<ChannelViolation>();
    let violated = false;
    const violate = (v: ChannelViolation) => {
      if (violated) return;
      violated = true;
      channel?.destroy();
      violations.fire(v);
    };
    if (channel) {
      channel.on('error', () => undefined); // EPIPE to a child that just died; exit handling covers it.
      readChildFrames(channel, {
        onFrame: (m) => {
          heard = true;
          messages.fire(m);
        },
        onViolation: violate,
      });
    }
    // A spawn failure (ENOENT) is followed by 'exit' only on some paths; report it as an exit.
    let exited = false;
    const exitListeners = new Set<(code: number | null, signal: NodeJS.Signals | null) => void>();
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return;
      exited = true;
      for (const l of exitListeners) l(code, signal);
    };
    child.once('exit', onExit);
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) onExit(e.code === 'ENOENT' ? 127 : 1, null);
    });
    const alive = () => child.exitCode === null && child.signalCode === null;
    function kill(signal: NodeJS.Signals): void {
      if (!alive()) return;
      // Stopped right after the spawn, before bwrap reported node's pid: a signal to bwrap then
      // can kill it before its child has armed --die-with-parent, and the sandboxed node lived
      // on as an orphan holding the host's pipes (a Host.stop() right after start left the
      // test process hanging). bwrap reports the pid at once, so a SIGTERM waits for it; a
      // SIGKILL (the grace period is over: bwrap is stuck before starting node) does not.
      if (wrapped.infoFd5 && innerPid === undefined && signal !== 'SIGKILL') {
        deferred = signal;
        return;
      }
      // A child stopped while still loading (it has not spoken yet) never sees a SIGTERM in
      // the sandbox: as pid 1 of its namespace, node's own default handler re-raises it and
      // the kernel drops that for a namespace's init, so a stop right after the start waited
      // out the whole grace period. Such a child has nothing to shut down yet: SIGKILL is
      // what SIGTERM would have done to it outside the sandbox.
      const sent: NodeJS.Signals = signal === 'SIGTERM' && innerPid !== undefined && !heard && spec.channel !== false ? 'SIGKILL' : signal;
      if (innerPid !== undefined) {
        try {
          process.kill(innerPid, sent);
          if (sent === 'SIGTERM') return; // node shuts down itself; bwrap follows it out.
        } catch {
          // Gone already: the wrapper below is all that is left.
        }
      }
      // SIGKILL: the wrapper too (--die-with-parent would also take node down with it).
      child.kill(sent);
    }
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (violated || !channel || !alive()) return;
        const v = writeChildFrame(channel, message);
        if (v) violate(v);
      },
      onMessage: (listener) => messages.event(listener),
      onViolation: (listener) => violations.event(listener),
      onExit(listener) {
        exitListeners.add(listener);
        return toDisposable(() => exitListeners.delete(listener));
      },
      onLog(listener) {
        logListeners.add(listener);
        return toDisposable(() => logListeners.delete(listener));
      },
      kill,
    };
  }
}
