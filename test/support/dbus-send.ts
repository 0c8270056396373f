import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Thrown when `dbus-send` itself is missing, as opposed to a call that failed. */
export class DbusSendMissingError extends Error {
  override readonly name = 'DbusSendMissingError';
}

/**
 * One `dbus-send --print-reply` call on the session bus at `address`, returning its
 * printed reply. We shell out rather than add a D-Bus library: `dbus-send` comes with the
 * `dbus` package the harness needs anyway, while `gdbus`/`busctl` may be absent in CI.
 */
export async function dbusSend(address: string, dest: string, objectPath: string, method: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('dbus-send', ['--session', '--print-reply', `--dest=${dest}`, objectPath, method, ...args], {
      // Only the private bus: never inherit the caller's real session bus.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', DBUS_SESSION_BUS_ADDRESS: address },
      timeout: 5_000,
    });
    return stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DbusSendMissingError('dbus-send not found: apt-get install dbus', { cause: err });
    }
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`dbus-send ${method} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

/** The object path in a `dbus-send` reply that returns one (`object path "/x/y"`), else undefined. */
export function replyObjectPath(reply: string): string | undefined {
  return /object path "([^"]*)"/.exec(reply)?.[1];
}
