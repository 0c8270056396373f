import type { CliContext } from './command.js';
import { STOP_SIGNALS, type StopReason } from './stop-reason.js';
import { watchOutput } from './watch-output.js';

/** Forced exit code of a second Ctrl-C: 128 + SIGINT, as shells report an interrupted command. */
const FORCED_EXIT = 130;

/**
 * Run one `keybroker` invocation as this process: `run` gets this process's argv (after
 * `node keybroker`), streams and a stop signal, and its exit code ends the process once
 * stdout and stderr are flushed. The entry points call it: src/cli/index.ts for every
 * command and src/cli/status-main.ts, the status bundle (docs/PERFORMANCE.md §1).
 */
export async function runProcess(run: (ctx: CliContext) => Promise<number>): Promise<void> {
  const stop = new AbortController();
  const requestStop = (reason: StopReason): void => {
    if (!stop.signal.aborted) stop.abort(reason);
  };
  let firstSignalAt = 0;
  for (const sig of STOP_SIGNALS) {
    process.on(sig, () => {
      // A second Ctrl-C means "now": skip the graceful path. One arriving within a second of
      // the first is the same keypress delivered twice (terminal group + a wrapper like npm).
      if (firstSignalAt && Date.now() - firstSignalAt > 1000) process.exit(FORCED_EXIT);
      firstSignalAt ||= Date.now();
      requestStop(sig);
    });
  }
  // SIGPIPE stays ignored (Node's default): a listener would turn EPIPE on ANY pipe or socket,
  // such as a bridge client hanging up, into a stop of the host. A closed stdout/stderr, the
  // case SIGPIPE is for, is handled here instead, in one place for every command: a command
  // whose reader is gone ends normally (`audit --follow`, `call`), while `serve` keeps serving
  // (its log lines are dropped; the audit log still records everything) until it is stopped
  // by a signal, so a log reader going away never drops the user's sessions or Claude's tools.
  const command = process.argv[2];
  watchOutput([process.stdout, process.stderr], () => {
    if (command !== 'serve') requestStop('output closed');
  });

  const code = await run({
    argv: process.argv.slice(2),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stopSignal: stop.signal,
  });
  process.exitCode = code;
  // A finished command has nothing left to do: once its output is flushed, exit, so that a
  // handle someone forgot (a child's pipe after a host start that failed half-way) cannot keep
  // a script waiting forever. The write callbacks run even when the reader is gone.
  let unflushed = 2;
  const flushed = (): void => {
    if (--unflushed === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
