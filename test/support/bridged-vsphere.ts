// The world of the vSphere end-to-end tests (issues 11, 14, 16): a private Secret Service,
// vcsim, a fresh KEYBROKER_HOME with vSphere endpoints added through the real CLI, then
// `keybroker serve` and an SDK client through the real `keybroker bridge`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startBridgedServe, type BridgedServeOptions } from './bridged-serve.js';
import { runKeybroker } from './keybroker-cli.js';
import { startSecretService, type SecretService } from './secret-service.js';
import type { ServeProcess } from './serve-process.js';
import { startVcsim, type Vcsim, type VcsimOptions } from './vcsim.js';

/** What {@link startBridgedVsphere} builds. */
export interface BridgedVsphereOptions {
  /** The vCenter login vcsim accepts and every endpoint is added with. */
  readonly user: string;
  readonly password: string;
  /** Prefix of the temporary KEYBROKER_HOME's name. */
  readonly homePrefix: string;
  /** vcsim's inventory (default: startVcsim's). */
  readonly vcsim?: Omit<VcsimOptions, 'username' | 'password'>;
  /** Endpoints added before serve starts: a name, or a name and extra `endpoint add` flags (`--read-only`). */
  readonly endpoints: readonly (string | readonly [string, readonly string[]])[];
  /** Set-up on vcsim before serve starts (an admin session); its result, if any, is called by `stop()` after serve stopped. */
  readonly prepare?: (vcsim: Vcsim) => Promise<(() => Promise<void>) | void>;
  readonly serve?: BridgedServeOptions;
}

/** The running world; `stop()` ends all of it, the client first, and removes the home. */
export interface BridgedVsphere {
  readonly ss: SecretService;
  readonly vcsim: Vcsim;
  readonly home: string;
  /** The environment every `keybroker` of the test runs in (its Secret Service and home). */
  readonly env: NodeJS.ProcessEnv;
  readonly serve: ServeProcess;
  readonly client: Client;
  /** `keybroker endpoint add vsphere NAME` for this vcsim, the password on stdin; asserts it worked. */
  addEndpoint(name: string, extra?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Start the world; whatever started is stopped again if a later step fails. */
export async function startBridgedVsphere(options: BridgedVsphereOptions): Promise<BridgedVsphere> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    const ss = await startSecretService();
    stops.push(() => ss.stop());
    const vcsim = await startVcsim({ ...options.vcsim, username: options.user, password: options.password });
    stops.push(() => vcsim.stop());
    const cleanup = await options.prepare?.(vcsim);
    if (cleanup) stops.push(cleanup);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), options.homePrefix));
    // Removed after vcsim and the Secret Service (reverse order), as the tests did by hand.
    stops.unshift(async () => fs.rmSync(home, { recursive: true, force: true }));
    const env: NodeJS.ProcessEnv = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
    const cli = (args: string[], stdin?: string) => runKeybroker(args, { env, stdin });
    const addEndpoint = async (name: string, extra: readonly string[] = []) => {
      const r = await cli(['endpoint', 'add', 'vsphere', name, '--url', vcsim.url, '--user', options.user, '--fingerprint', vcsim.fingerprintSha256, ...extra, '--password-stdin'], `${options.password}\n`);
      assert.equal(r.code, 0, r.stderr);
    };
    for (const e of options.endpoints) await (typeof e === 'string' ? addEndpoint(e) : addEndpoint(e[0], e[1]));
    const { serve, client } = await startBridgedServe(env, cli, 'vsphere', options.serve);
    stops.push(async () => void (await serve.stop()));
    stops.push(() => client.close());
    return { ss, vcsim, home, env, serve, client, addEndpoint, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
