import path from 'node:path';
import type { EndpointKind } from '../../base/contracts/names.js';

/** One `mcpServers` entry as Claude Desktop reads it: a stdio command it spawns. */
export interface ClaudeServerEntry {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Where the bridge entry points: the Node that runs us and KeyBroker's built bridge. */
export interface BridgeLaunch {
  /** Absolute path of the node executable (`process.execPath`). */
  readonly node: string;
  /** Absolute path of `dist/cli/bridge.cjs`, the CommonJS bridge bundle. */
  readonly bridge: string;
  /** An explicit `KEYBROKER_HOME` to pin, so Claude Desktop's bridge finds the same host. */
  readonly home?: string;
}

/**
 * The entry that makes Claude Desktop run the bridge for `server`: `<node> <…/bridge.cjs> SERVER`.
 * The bundle itself rather than `bin/keybroker.js bridge SERVER`: that path goes through an ES
 * module first, and Node's ESM loader costs ~4 ms per start (bench/bridge-start, goal ≤ 1.3 ×
 * a bare `node`). Both paths are absolute: Claude Desktop is started by the desktop, not a
 * shell, so it has no nvm/Homebrew PATH and no working directory of ours; a bare `node` or
 * `keybroker` may not resolve, or resolve to another Node. KEYBROKER_HOME is pinned only when
 * the user chose one explicitly: Claude Desktop does not inherit the shell's environment, and
 * the default needs no pin.
 */
export function bridgeEntry(server: EndpointKind, launch: BridgeLaunch): ClaudeServerEntry {
  return {
    command: launch.node,
    args: [launch.bridge, server],
    ...(launch.home ? { env: { KEYBROKER_HOME: launch.home } } : {}),
  };
}

const BIN_NAMES = new Set(['keybroker', 'keybroker.cmd', 'keybroker.exe', 'keybroker.ps1']);

/** Basename under either platform's separators: a config written on Windows uses `\`. */
const baseName = (p: string): string => path.win32.basename(p).toLowerCase();
/** `…/dist/cli/bridge.cjs` (either separator): the bundle `npm run build` makes, in any checkout. */
const isBridgeBundle = (p: string): boolean => p.toLowerCase().split(/[\\/]+/).slice(-3).join('/') === 'dist/cli/bridge.cjs';

/**
 * Whether `value` is a KeyBroker bridge entry for `server`, ours to update without --force:
 * `<any node> <…/dist/cli/bridge.cjs> SERVER` (what install writes, possibly from another Node
 * or checkout), `<any node> <…/keybroker.js> bridge SERVER` (what older installs wrote) or
 * `keybroker bridge SERVER` (the PATH form a user may write by hand). Anything else belongs to
 * someone else and is only replaced with --force.
 */
export function isBridgeEntry(value: unknown, server: EndpointKind): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { command, args } = value as { command?: unknown; args?: unknown };
  if (typeof command !== 'string' || !Array.isArray(args) || !args.every((a) => typeof a === 'string')) return false;
  const a = args as string[];
  if (a.length === 3 && baseName(a[0]!) === 'keybroker.js') return a[1] === 'bridge' && a[2] === server;
  if (a.length === 2 && isBridgeBundle(a[0]!)) return a[1] === server;
  return a.length === 2 && BIN_NAMES.has(baseName(command)) && a[0] === 'bridge' && a[1] === server;
}
