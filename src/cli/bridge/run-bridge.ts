import type { Writable } from 'node:stream';
import { BridgeSession } from './bridge-session.js';
import { DEFAULT_BRIDGE_CLIENT } from './bridge-wire.js';
import { hasUnsafeText } from '../../base/sanitize-text.js';
import { formatCommandHelp, wantsHelp } from '../command-help.js';

/** The bridge's process surface, injected so `keybroker bridge` and tests can drive it. */
export interface BridgeIo {
  /** `[SERVER]`, without the `bridge` sub-command. */
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream;
  /** Protocol lines only; everything else goes to stderr. */
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** How `keybroker bridge` is called. */
export const BRIDGE_USAGE = 'keybroker bridge SERVER';
/** What `keybroker help` and `keybroker bridge --help` say it does. */
export const BRIDGE_SUMMARY = 'connect stdio to a server through the running host (what Claude Desktop runs)';
const SERVER_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * `keybroker bridge SERVER`, what Claude Desktop runs: stdio on one side, the host's gateway
 * socket on the other. Resolves with the exit code once stdin has closed or the host has gone;
 * by then every request the client sent has been answered, by the host or with an error.
 */
export async function runBridge(io: BridgeIo): Promise<number> {
  const [server, ...extra] = io.argv;
  // `--help` anywhere, as for every command (src/cli/run-command.ts): usage, and no connection.
  if (wantsHelp(io.argv)) {
    io.stdout.write(formatCommandHelp([BRIDGE_USAGE], BRIDGE_SUMMARY));
    return 0;
  }
  if (!server || extra.length > 0 || !SERVER_NAME.test(server)) {
    io.stderr.write(`keybroker bridge: expected one server name such as vsphere or p6; usage: ${BRIDGE_USAGE}\n`);
    return 2;
  }
  const label = io.env['KEYBROKER_CLIENT'];
  // Security: a label with controls, bidi or invisible characters is not used at all (shared sanitizer's set).
  const client = label && label.length <= 128 && !hasUnsafeText(label) ? label : DEFAULT_BRIDGE_CLIENT;
  const bridge = new BridgeSession(io);
  void bridge.connect(io.env, { server, client });
  return bridge.exited;
}
