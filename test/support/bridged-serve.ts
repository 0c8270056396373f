import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { HostStatus } from '../../src/base/contracts/broker-status.js';
import { bridgeClient } from './bridge-client.js';
import { waitForChild } from './host-child.js';
import { waitFor, type Cli, type KeybrokerCommand } from './keybroker-cli.js';
import { startServe, type ServeProcess } from './serve-process.js';

/** How {@link startBridgedServe} decides the child is ready. */
export interface BridgedServeOptions {
  /** When the child counts as up (default: running, or idle until its first request); see {@link waitForChild}. */
  ready?: (c: HostStatus['children'][number]) => boolean;
  /** Also wait until `keybroker tools <server>` answers: the gateway has initialised the child, so its instructions reach the client. */
  toolsListed?: boolean;
  /** How to start serve (default bin/keybroker.js); the bridge is always the real bin's. */
  command?: KeybrokerCommand;
}

/**
 * `keybroker serve` in `env`, its child `server` up, and an SDK client connected through the
 * real `keybroker bridge` as Claude Desktop does. Serve is stopped again if the rest fails.
 */
export async function startBridgedServe(env: NodeJS.ProcessEnv, cli: Cli, server: string, opts: BridgedServeOptions = {}): Promise<{ serve: ServeProcess; client: Client }> {
  const serve = await startServe(env, opts.command);
  try {
    await waitForChild(cli, server, opts.ready);
    if (opts.toolsListed) await waitFor(`${server} tools listed`, async () => ((await cli(['tools', server])).code === 0 ? true : undefined), 30_000);
    return { serve, client: await bridgeClient(env, server) };
  } catch (e) {
    await serve.stop();
    throw e;
  }
}
