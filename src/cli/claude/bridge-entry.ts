import path from 'node:path';
import type { EndpointKind } from '../../core/common/contracts/names.js';

/** One `mcpServers` entry as Claude Desktop reads it: a stdio command it spawns. */
export interface ClaudeServerEntry {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Where the bridge entry points: the Node that runs us and KeyBroker's bin script. */
export interface BridgeLaunch {
  /** Absolute path of the node executable (`process.execPath`). */
  readonly node: string;
  /** Absolute path of `bin/keybroker.js`. */
  readonly bin: string;
  /** An explicit `KEYBROKER_HOME` to pin, so Claude Desktop's bridge finds the same host. */
  readonly home?: string;
}

/**
 * The entry that makes Claude Desktop run `keybroker bridge SERVER`. Both paths are absolute:
 * Claude Desktop is started by the desktop, not a shell, so it has no nvm/Homebrew PATH and
 * no working directory of ours; a bare `node` or `keybroker` may not resolve, or resolve to
 * another Node. KEYBROKER_HOME is pinned only when the user chose one explicitly: Claude
 * Desktop does not inherit the shell's environment, and the default needs no pin.
 */
export function bridgeEntry(server: EndpointKind, launch: BridgeLaunch): ClaudeServerEntry {
  return {
    command: launch.node,
    args: [launch.bin, 'bridge', server],
    ...(launch.home ? { env: { KEYBROKER_HOME: launch.home } } : {}),
  };
}

const BIN_NAMES = new Set(['keybroker', 'keybroker.cmd', 'keybroker.exe', 'keybroker.ps1']);

/** Basename under either platform's separators: a config written on Windows uses `\`. */
const baseName = (p: string): string => path.win32.basename(p).toLowerCase();

/**
 * Whether `value` is a KeyBroker bridge entry for `server`, ours to update without --force:
 * `<any node> <…/keybroker.js> bridge SERVER` (what install writes, possibly from another
 * Node or checkout) or `keybroker bridge SERVER` (the PATH form a user may write by hand).
 * Anything else belongs to someone else and is only replaced with --force.
 */
export function isBridgeEntry(value: unknown, server: EndpointKind): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { command, args } = value as { command?: unknown; args?: unknown };
  if (typeof command !== 'string' || !Array.isArray(args) || !args.every((a) => typeof a === 'string')) return false;
  const a = args as string[];
  if (a.length === 3 && baseName(a[0]!) === 'keybroker.js') return a[1] === 'bridge' && a[2] === server;
  return a.length === 2 && BIN_NAMES.has(baseName(command)) && a[0] === 'bridge' && a[1] === server;
}
