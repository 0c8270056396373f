import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { KEYBROKER_BIN, waitFor, type KeybrokerCommand } from './keybroker-cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A `keybroker serve` process as a user starts it from a shell. */
export interface ServeProcess {
  readonly proc: ChildProcess;
  stderr(): string;
  readonly exited: Promise<number | null>;
  /** Ctrl-C, and wait for it to exit. */
  stop(): Promise<number | null>;
}

/**
 * Start `keybroker serve` (cwd = the repo, so a dev server's `--import tsx` resolves) and wait
 * until it serves. `command`: another entry than bin/keybroker.js (see KeybrokerCommand).
 */
export async function startServe(env: NodeJS.ProcessEnv, command: KeybrokerCommand = [KEYBROKER_BIN]): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [...command, 'serve'], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  proc.stdout!.resume();
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  await waitFor('keybroker serve to start', () => {
    if (proc.exitCode !== null) throw new Error(`keybroker serve exited ${proc.exitCode}: ${err}`);
    return err.includes('serving from') ? true : undefined;
  }, 20_000);
  return {
    proc, exited, stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGINT');
      return exited;
    },
  };
}
