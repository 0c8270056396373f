import { pathToFileURL } from 'node:url';
import type { EntryFormat } from './entry-format.js';
import type { ModuleSnapshot, SnapshotFile } from '../module-snapshot.js';
import { FIRST_DATA_FD } from '../sandbox/sandbox.js';

/**
 * The module hooks of the child (D263), run by node on its hooks thread. The main
 * entry's resolve (the only resolve without a parent once the preload is loaded, since the
 * preload is the last `--import`) is the approved entry, whatever path node resolved (a link
 * re-pointed after the read leads nowhere else), and its load is the approved bytes in the
 * format decided from them. Everything else resolves and loads as node does, so the entry's
 * relative imports and requires resolve from its real folder.
 */
const HOOKS = `let served;
export function initialize(data) { served = data; }
export async function resolve(specifier, context, nextResolve) {
  if (served !== undefined && !served.resolved && context.parentURL === undefined) {
    served.resolved = true;
    return { url: served.url, format: served.format, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
export async function load(url, context, nextLoad) {
  if (served !== undefined && url === served.url) return { format: served.format, source: served.source, shortCircuit: true };
  return nextLoad(url, context);
}
`;

/**
 * The child's preload (an `--import`), with `params` compiled in: it reads the snapshot from
 * the inherited pipe `fd` (never argv or environment: a module is up to 64 MiB), checks its
 * SHA-256 against the digest the approval is bound to (the same framing as snapshotDigest),
 * and registers {@link HOOKS} with the entry's bytes. Any failure is one line on stderr and
 * exit 1, before a byte of the server runs.
 */
const PRELOAD = (params: string, hooks: string): string => `import crypto from 'node:crypto';
import { register } from 'node:module';
import net from 'node:net';
const P = ${params};
const fail = (why) => {
  process.stderr.write('keybroker: ' + P.entry + ' was not started: ' + why + '\\n');
  process.exit(1);
};
let payload;
try {
  // A socket on the fd, as the runtime opens its channel on fd 3 (a pipe on every OS, Windows too).
  payload = await new Promise((resolve, reject) => {
    const chunks = [];
    const pipe = new net.Socket({ fd: P.fd, readable: true, writable: false });
    pipe.on('data', (c) => chunks.push(c)).on('error', reject).on('end', () => {
      pipe.destroy();
      resolve(Buffer.concat(chunks));
    });
  });
} catch (e) {
  fail('its approved code did not arrive from the host (' + (e.code || e.message) + '); restart the server');
}
const end = payload.indexOf(10);
let head = [];
try {
  head = JSON.parse(payload.subarray(0, end < 0 ? 0 : end).toString('utf8'));
  if (!Array.isArray(head)) throw new TypeError('not a list');
} catch {
  fail('its approved code arrived damaged; restart the server');
}
const hash = crypto.createHash('sha256');
let at = end + 1;
const files = [];
for (const f of head) {
  const bytes = payload.subarray(at, at + f.length);
  at += f.length;
  hash.update(f.path + '\\0' + bytes.length + '\\0');
  hash.update(bytes);
  files.push({ path: f.path, bytes });
}
// Security: what runs is what was hashed for the approval, checked here, after the transfer.
if (at !== payload.length || hash.digest('hex') !== P.sha256 || files[0]?.path !== P.entry) {
  fail('its code is not the code that was approved (sha256 mismatch); restart the server');
}
const source = new Uint8Array(files[0].bytes);
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: { url: P.url, format: P.format, source }, transferList: [source.buffer] });
`;

/** What the child's preload is told on its command line: nothing secret, and no code's bytes. */
export interface SnapshotPreloadParams {
  /** The inherited pipe the payload arrives on. */
  readonly fd: number;
  /** The digest the approval is bound to (ModuleSnapshot.sha256). */
  readonly sha256: string;
  /** The entry's real path (the snapshot's first file). */
  readonly entry: string;
  readonly format: EntryFormat;
}

/**
 * The node flags that make a child run its entry from the snapshot (D263): one
 * `--import` of a `data:` module, so the preload needs no file of its own in any sandbox
 * (bubblewrap's view, macOS's profile). Placed after the server's own flags: its hooks are
 * registered last, so they answer first for the entry.
 */
export function snapshotPreloadArgs(p: SnapshotPreloadParams): string[] {
  const params = JSON.stringify({ fd: p.fd, sha256: p.sha256, entry: p.entry, url: pathToFileURL(p.entry).href, format: p.format });
  return ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD(params, HOOKS))}`];
}

/**
 * The payload written to the preload's pipe: one JSON line naming each file's path and length,
 * then the files' bytes in that order.
 */
export function snapshotPayload(files: readonly SnapshotFile[]): Uint8Array {
  const head = Buffer.from(`${JSON.stringify(files.map((f) => ({ path: f.path, length: f.bytes.length })))}\n`);
  return Buffer.concat([head, ...files.map((f) => f.bytes)]);
}

/** What the launcher adds to a child for its snapshot: node flags, and the payload on `fd`. */
export interface SnapshotCodeLoad {
  readonly fd: number;
  readonly args: readonly string[];
  readonly payload: Uint8Array;
}

/**
 * The code load of a config.json server's start (D263), or undefined when there is
 * nothing node could be given (no snapshot, or an entry only an execArgv loader runs). The
 * payload's fd comes after every fd a sandbox may take for the same snapshot (bubblewrap's
 * `--ro-bind-data` files from {@link FIRST_DATA_FD}), so it is the same with every sandbox.
 */
export function snapshotCodeLoad(snapshot: ModuleSnapshot | undefined): SnapshotCodeLoad | undefined {
  const entry = snapshot?.files[0];
  if (!snapshot?.format || !entry) return undefined;
  const fd = FIRST_DATA_FD + snapshot.files.length;
  return { fd, args: snapshotPreloadArgs({ fd, sha256: snapshot.sha256, entry: entry.path, format: snapshot.format }), payload: snapshotPayload(snapshot.files) };
}
