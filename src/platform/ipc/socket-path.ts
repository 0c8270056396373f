import os from 'node:os';
import path from 'node:path';
import { CoreError } from '../../base/errors/core-error.js';
import { ensurePrivateDir } from '../fs/private-dir.js';

/**
 * Longest socket path we use. `sun_path` holds 104 bytes on macOS and 108 on Linux,
 * including the terminating NUL; staying at 100 leaves margin for both.
 */
export const MAX_SOCKET_PATH_BYTES = 100;

/** Neither the preferred path nor the runtime-dir fallback fits in `sun_path`. */
export class SocketPathTooLongError extends CoreError {
  override readonly name = 'SocketPathTooLongError' as const;
  readonly code = 'CORE_SOCKET_PATH_TOO_LONG' as const;
}

/** Where to look for the environment and the private runtime folder; tests inject these. */
export interface SocketPathOptions {
  /** The KeyBroker home the socket belongs to; its hash names the fallback folder. Default: dirname(preferred). */
  readonly home?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly tmpdir?: string;
}

/**
 * The first 10 hex digits of sha256(home). node:crypto is loaded only here, when a hash is
 * needed (Windows, or a path too long): loading it cost every `keybroker status` and bridge
 * start ~2–3 ms of CPU for a hash they did not use (issue 17 item 6).
 */
function homeHash(home: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(home).digest('hex').slice(0, 10);
}

/**
 * The path to listen on / connect to for socket `name` (e.g. `control.sock`).
 *
 * Returns `preferred` when it fits. Otherwise the socket moves to a short private folder:
 * `$XDG_RUNTIME_DIR/keybroker-<hash>/` when that variable is an absolute path, else
 * `<tmpdir>/keybroker-<uid>-<hash>/`, where `<hash>` is the first 10 hex digits of
 * sha256(home), so each home gets its own folder and client and host agree on it.
 * The folder is created 0700 and must belong to us. On Windows the answer is a named pipe,
 * which has no length limit worth the name but also no file-system location.
 */
export function resolveSocketPath(preferred: string, name: string, options: SocketPathOptions = {}): string {
  const win32 = (options.platform ?? process.platform) === 'win32';
  if (!win32 && Buffer.byteLength(preferred) <= MAX_SOCKET_PATH_BYTES) return preferred;
  const hash = homeHash(path.resolve(options.home ?? path.dirname(preferred)));
  if (win32) return `\\\\.\\pipe\\keybroker-${hash}-${name}`;

  const env = options.env ?? process.env;
  const runtime = env['XDG_RUNTIME_DIR'];
  const dir =
    runtime && path.isAbsolute(runtime)
      ? path.join(runtime, `keybroker-${hash}`)
      : path.join(options.tmpdir ?? os.tmpdir(), `keybroker-${process.getuid?.() ?? 'u'}-${hash}`);
  const socket = path.join(dir, name);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    throw new SocketPathTooLongError(
      `socket path ${preferred} is too long and so is the fallback ${socket}; use a shorter KEYBROKER_HOME or set XDG_RUNTIME_DIR to a short folder`,
    );
  }
  // Security: the temp-dir fallback is a shared, predictable location. ensurePrivateDir refuses
  // a folder (or symlink) planted by another user, and tightens our own to 0700, so nobody
  // else can connect to, replace or pre-bind our socket.
  ensurePrivateDir(dir);
  return socket;
}
