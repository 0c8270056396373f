// The world of the vSphere end-to-end tests (issues 11, 14, 16): a private Secret Service,
// vcsim, a fresh KEYBROKER_HOME with vSphere endpoints added through the real CLI, then
// `keybroker serve` and an SDK client through the real `keybroker bridge` (bridged-world.ts).
import assert from 'node:assert/strict';
import type { BridgedServeOptions } from './bridged-serve.js';
import { startBridgedWorld, type BridgedWorld } from './bridged-world.js';
import type { Cli } from './keybroker-cli.js';
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
  /** Set-up of the new home before serve starts, after the endpoints (a policy in its config.json). */
  readonly setUpHome?: (home: string) => void | Promise<void>;
  readonly serve?: BridgedServeOptions;
}

/** The running world; `stop()` ends all of it, the client first, and removes the home. */
export interface BridgedVsphere extends BridgedWorld<Vcsim> {
  readonly vcsim: Vcsim;
  /** `keybroker endpoint add vsphere NAME` for this vcsim, the password on stdin; asserts it worked. */
  addEndpoint(name: string, extra?: readonly string[]): Promise<void>;
}

/** Start the world; whatever started is stopped again if a later step fails. */
export async function startBridgedVsphere(options: BridgedVsphereOptions): Promise<BridgedVsphere> {
  const adder = (vcsim: Vcsim, cli: Cli) => async (name: string, extra: readonly string[] = []) => {
    const r = await cli(['endpoint', 'add', 'vsphere', name, '--url', vcsim.url, '--user', options.user, '--fingerprint', vcsim.fingerprintSha256, ...extra, '--password-stdin'], `${options.password}\n`);
    assert.equal(r.code, 0, r.stderr);
  };
  const world = await startBridgedWorld({
    server: 'vsphere',
    homePrefix: options.homePrefix,
    serve: options.serve,
    async upstream(onStop) {
      const vcsim = await startVcsim({ ...options.vcsim, username: options.user, password: options.password });
      onStop(() => vcsim.stop());
      const cleanup = await options.prepare?.(vcsim);
      if (cleanup) onStop(cleanup);
      return vcsim;
    },
    async setUp(vcsim, { home, cli }) {
      const addEndpoint = adder(vcsim, cli);
      for (const e of options.endpoints) await (typeof e === 'string' ? addEndpoint(e) : addEndpoint(e[0], e[1]));
      await options.setUpHome?.(home);
    },
  });
  return { ...world, vcsim: world.upstream, addEndpoint: adder(world.upstream, world.cli) };
}
