import { z } from 'zod';

/**
 * How a server child reaches its host (DESIGN.md "Processes"). Set by the launcher in the
 * child's `KEYBROKER_CHANNEL` variable; never Node's built-in IPC, whose reader buffers and
 * parses a whole message before any limit can be checked.
 *
 * - `fd3`: Node children. File descriptor 3 is a dedicated duplex pipe carrying
 *   newline-delimited JSON frames both ways.
 * - `stdout`: Electron utility processes (which accept no extra fds). The child writes its
 *   frames, one JSON line each, to stdout (logs go to stderr only); the host's frames arrive
 *   as `parentPort` messages.
 */
export const ChildChannelKind = z.enum(['fd3', 'stdout']);
export type ChildChannelKind = z.infer<typeof ChildChannelKind>;

/** The environment variable that names the channel kind. */
export const CHILD_CHANNEL_ENV = 'KEYBROKER_CHANNEL';

/** The child-to-host fd of the `fd3` channel. */
export const CHILD_CHANNEL_FD = 3;

/**
 * Longest frame line either side accepts: a 16 MiB MCP message (the gateway's limit) plus its
 * `{ch,msg}` envelope. Enforced while reading, so an endless or oversized frame costs at most
 * this much memory before the channel is closed.
 */
export const MAX_CHANNEL_LINE_BYTES = 16 * 1024 * 1024 + 64 * 1024;

/**
 * Most JSON values (objects, arrays and list items) one frame line may hold. Security: 16 MiB
 * of `[[[[...` or `[{},{},...` parses into hundreds of MiB of objects; a real frame (a page of
 * 500 VMs) holds a few tens of thousands. Counted on the raw bytes before parsing.
 */
export const MAX_CHANNEL_JSON_VALUES = 256 * 1024;

/**
 * How far a child may fall behind in reading what the host sends before the host gives up
 * on it. A child that asks for answers and never reads them would otherwise make the host
 * queue them without bound.
 */
export const MAX_CHANNEL_SEND_BACKLOG_BYTES = 24 * 1024 * 1024;

/**
 * What kind of containment the host's children run in (`keybroker status`):
 * `bubblewrap` on Linux, `sandbox-exec` on macOS, `none` where neither is available or the
 * sandbox was switched off.
 */
export const Isolation = z.enum(['bubblewrap', 'sandbox-exec', 'none']);
export type Isolation = z.infer<typeof Isolation>;
