import fs from 'node:fs';
import path from 'node:path';
import { homePaths } from '../../platform/config/home.js';

/** What the start-up failure dialog says: the one-line reason and what to do about it. */
export interface StartupFailure {
  readonly code: string;
  readonly reason: string;
  readonly next: string;
}

/** The log the desktop app writes next to config.json (mode 0600; no secret ever goes in). */
export function appLogPath(home: string): string {
  return path.join(home, 'app.log');
}

const oneLine = (s: string, max = 400): string => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/**
 * Turn what stopped the app from starting into a reason and a next step a user can act on.
 * The cases are the ones a user can cause (issue 15): another host on the same home, a lock
 * that names a live pid which is not KeyBroker, a config.json that does not parse or validate,
 * and the HTTP front door's port taken by another program.
 */
export function describeStartupFailure(error: unknown, home: string): StartupFailure {
  const e = error as { code?: unknown; message?: unknown; pid?: unknown; port?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : 'UNKNOWN';
  const message = oneLine(typeof e?.message === 'string' ? e.message : String(error));
  const paths = homePaths(home);
  switch (code) {
    case 'CORE_HOST_RUNNING':
      return {
        code,
        reason: `Another KeyBroker is already running for ${home} (pid ${typeof e?.pid === 'number' ? e.pid : '?'}): this app, or 'keybroker serve' in a terminal.`,
        next: `Quit it (its menu-bar Quit, or Ctrl-C in that terminal) and open KeyBroker again. If no KeyBroker runs, the lock is stale (its pid now belongs to another program): delete ${paths.lock} and open KeyBroker again.`,
      };
    case 'CORE_CONFIG_INVALID':
      return { code, reason: `The settings file cannot be used: ${message}`, next: `Fix ${paths.config} in a text editor, or move it aside to start with no endpoints, then open KeyBroker again.` };
    case 'CORE_HTTP_PORT_IN_USE':
      return {
        code,
        reason: `The HTTP front door's port ${typeof e?.port === 'number' ? e.port : ''} on 127.0.0.1 is taken by another program.`.replace(' port  on', ' port on'),
        next: `Stop that program, or set another "port" under "http" in ${paths.config} (or "enabled": false), then open KeyBroker again.`,
      };
    default:
      return { code, reason: `KeyBroker could not start: ${message}`, next: `Run 'keybroker serve' in a terminal to see details; the log is ${appLogPath(home)}.` };
  }
}

/** What reporting needs: the native dialog, the clock, and a stderr for when there is no home. */
export interface StartupFailureDeps {
  readonly home: string;
  readonly showErrorBox: (title: string, content: string) => void;
  readonly now?: () => Date;
  readonly stderr?: (line: string) => void;
}

/**
 * Show the failure in a native dialog (dialog.showErrorBox: it blocks until dismissed and needs
 * no window) and append it to `<home>/app.log`, so a start from Finder or at login does not
 * just vanish. Returns the description it showed.
 */
export function reportStartupFailure(error: unknown, deps: StartupFailureDeps): StartupFailure {
  const failure = describeStartupFailure(error, deps.home);
  const line = `${(deps.now?.() ?? new Date()).toISOString()} start-up failed [${failure.code}] ${failure.reason} ${failure.next}\n`;
  try {
    fs.mkdirSync(deps.home, { recursive: true, mode: 0o700 });
    fs.appendFileSync(appLogPath(deps.home), line, { mode: 0o600 });
  } catch (e) {
    deps.stderr?.(`KeyBroker: cannot write ${appLogPath(deps.home)} (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
  }
  deps.stderr?.(`[main ${process.pid}] ${line}`);
  deps.showErrorBox('KeyBroker could not start', `${failure.reason}\n\n${failure.next}`);
  return failure;
}
