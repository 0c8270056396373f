// The part of the end-to-end worlds that is the same for every kind (bridged-vsphere.ts,
// bridged-p6.ts): a private Secret Service, the kind's upstream, a fresh KEYBROKER_HOME set up
// through the real CLI, then `keybroker serve` and an SDK client through the real
// `keybroker bridge`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startBridgedServe, type BridgedServeOptions } from './bridged-serve.js';
import { runKeybroker, type Cli } from './keybroker-cli.js';
import { startSecretService, type SecretService } from './secret-service.js';
import type { ServeProcess } from './serve-process.js';

/** The steps of one kind's world, in the order {@link startBridgedWorld} takes them. */
export interface BridgedWorldSteps<U> {
  /** The server the bridged client talks to (`vsphere`, `p6`). */
  readonly server: string;
  /** Prefix of the temporary KEYBROKER_HOME's name. */
  readonly homePrefix: string;
  /** Start the upstream (vcsim, the P6 fake) after the Secret Service; hand `onStop` whatever stops it. */
  upstream(onStop: (stop: () => Promise<void>) => void): Promise<U>;
  /** In the new home, before serve starts: add the endpoints with `cli`, and the test's own set-up. */
  setUp(upstream: U, at: { readonly home: string; readonly cli: Cli }): Promise<void>;
  readonly serve?: BridgedServeOptions;
}

/** The running world; `stop()` ends all of it, the client first, and removes the home. */
export interface BridgedWorld<U> {
  readonly ss: SecretService;
  readonly upstream: U;
  readonly home: string;
  /** The environment every `keybroker` of the test runs in (its Secret Service and home). */
  readonly env: NodeJS.ProcessEnv;
  /** `keybroker` in `env`. */
  readonly cli: Cli;
  readonly serve: ServeProcess;
  readonly client: Client;
  stop(): Promise<void>;
}

/** Start the world; whatever started is stopped again, newest first, if a later step fails. */
export async function startBridgedWorld<U>(steps: BridgedWorldSteps<U>): Promise<BridgedWorld<U>> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  const onStop = (s: () => Promise<void>) => void stops.push(s);
  try {
    const ss = await startSecretService();
    onStop(() => ss.stop());
    const upstream = await steps.upstream(onStop);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), steps.homePrefix));
    // Removed after the upstream and the Secret Service (reverse order), as the tests did by hand.
    stops.unshift(async () => fs.rmSync(home, { recursive: true, force: true }));
    const env: NodeJS.ProcessEnv = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
    const cli: Cli = (args, stdin) => runKeybroker(args, { env, stdin });
    await steps.setUp(upstream, { home, cli });
    const { serve, client } = await startBridgedServe(env, cli, steps.server, steps.serve);
    onStop(async () => void (await serve.stop()));
    onStop(() => client.close());
    return { ss, upstream, home, env, cli, serve, client, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
