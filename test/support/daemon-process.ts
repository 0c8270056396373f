import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Socket } from 'node:net';

/**
 * Spawn a test daemon with an explicit environment and its stderr in `errFile`. The child
 * is unref'd: a test that forgets to stop it must not hang the test process.
 */
export function spawnDaemon(cmd: string, args: string[], env: Record<string, string>, errFile: string, stdio: { stdin: 'pipe' | 'ignore'; stdout: 'pipe' | 'ignore' }): ChildProcess {
  const errFd = fs.openSync(errFile, 'w');
  try {
    const child = spawn(cmd, args, { env, stdio: [stdio.stdin, stdio.stdout, errFd] });
    // The caller sees a failed spawn as `pid === undefined` or through its own 'error'
    // listener; without this one an ENOENT would crash the test process.
    child.on('error', () => {});
    child.unref();
    return child;
  } finally {
    fs.closeSync(errFd);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited (and been reaped). */
export async function terminate(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Spawned unref'd; without this the loop may drain before the exit is reaped.
  child.ref();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The last lines of a log file on one line, for error messages; '' when there is none. */
export function tailFile(file: string, lines = 5): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ') : '';
}

// Node holds the watchdog's stdin. When Node dies for any reason, even SIGKILL, stdin hits
// EOF and the watchdog kills the pids it was sent and removes the dir (only a kb-ss-* one).
const WATCHDOG = 'trap "" INT TERM HUP; p=; while read -r x; do p="$p $x"; done; [ -n "$p" ] && kill $p 2>/dev/null; case "$1" in */kb-ss-*) rm -rf -- "$1";; esac';

/** Cleans up after this process if it dies without running its own cleanup. */
export interface Watchdog {
  /** Kill `pid` when this process dies. */
  adopt(pid: number): void;
  /** Stop watching, without killing anything: the caller cleaned up itself. */
  disarm(): void;
}

/** Start a detached `sh` that outlives a crash of this process just long enough to clean up `dir` and adopted pids. */
export function startWatchdog(dir: string): Watchdog {
  const sh = spawn('/bin/sh', ['-c', WATCHDOG, 'kb-ss-watchdog', dir], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  sh.on('error', () => {});
  sh.stdin?.on('error', () => {});
  sh.unref();
  (sh.stdin as Socket | null)?.unref();
  return {
    adopt: (pid) => void sh.stdin?.write(`${pid}\n`),
    // SIGKILL: the trap ignores the polite signals, and EOF would make it kill pids that may be reused.
    disarm: () => void sh.kill('SIGKILL'),
  };
}
