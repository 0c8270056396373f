import { fork } from 'node:child_process';
import readline from 'node:readline';
import { toDisposable } from '../../common/lifecycle/disposable.js';
import type { LaunchedChild, LaunchSpec, Launcher } from './launcher.js';

/** Launches children with `child_process.fork`: JSON messages over the IPC channel. */
export class NodeLauncher implements Launcher {
  launch(spec: LaunchSpec): LaunchedChild {
    const child = fork(spec.modulePath, [...(spec.args ?? [])], {
      // Security: exactly the allow-listed env; nothing inherited implicitly.
      env: { ...spec.env },
      execArgv: [...(spec.execArgv ?? [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      // Its own session, out of the terminal's foreground process group: a Ctrl-C or hang-up
      // is for the host, which stops its children itself. Otherwise a child still loading
      // (no handler yet) died of the terminal's SIGINT and was audited as a crash (issue 10
      // item 6). A child still exits when the host dies: its channel closes. Not on Windows,
      // where detached means a console of its own.
      detached: process.platform !== 'win32',
    });
    const logListeners = new Set<(line: string) => void>();
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        for (const l of logListeners) l(line);
      });
    }
    // An IPC write to a child that just died raises EPIPE asynchronously; exit handling covers it.
    child.on('error', () => undefined);
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (child.connected) child.send(message as object, (err) => void err);
      },
      onMessage(listener) {
        child.on('message', listener);
        return toDisposable(() => child.off('message', listener));
      },
      onExit(listener) {
        child.once('exit', listener);
        return toDisposable(() => child.off('exit', listener));
      },
      onLog(listener) {
        logListeners.add(listener);
        return toDisposable(() => logListeners.delete(listener));
      },
      kill(signal) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
  }
}
