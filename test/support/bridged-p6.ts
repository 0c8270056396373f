// The world of the P6 end-to-end tests through `keybroker serve` (issues 11, 14): a private
// Secret Service, the P6 fake over TLS, a fresh KEYBROKER_HOME with P6 endpoints added through
// the real CLI, then `keybroker serve` and an SDK client through the real `keybroker bridge`
// (bridged-world.ts). The vSphere twin is bridged-vsphere.ts.
import assert from 'node:assert/strict';
import { startP6Fake, type P6Fake, type P6FakeOptions } from '../fixtures/p6/start-p6-fake.js';
import type { BridgedServeOptions } from './bridged-serve.js';
import { startBridgedWorld, type BridgedWorld } from './bridged-world.js';

/** A P6 endpoint added before serve starts, its password on stdin. */
export interface BridgedP6Endpoint {
  readonly name: string;
  readonly user: string;
  readonly password: string;
  /** More `endpoint add` flags (`--no-verify`). */
  readonly extra?: readonly string[];
}

/** What {@link startBridgedP6} builds. */
export interface BridgedP6Options {
  /** The P6 fake (always TLS): its users and dataset. */
  readonly fake: Omit<P6FakeOptions, 'tls'>;
  /** Prefix of the temporary KEYBROKER_HOME's name. */
  readonly homePrefix: string;
  /** Added with the fake's URL, database PMDB and the fake's CA file. */
  readonly endpoints: readonly BridgedP6Endpoint[];
  /** Set-up before serve starts, after the endpoints (a policy in the home's config.json, rows on the fake). */
  readonly prepare?: (fake: P6Fake, home: string) => void | Promise<void>;
  readonly serve?: BridgedServeOptions;
}

/** The running world; `stop()` ends all of it, the client first, and removes the home. */
export interface BridgedP6 extends BridgedWorld<P6Fake> {
  readonly fake: P6Fake;
}

/** Start the world; whatever started is stopped again if a later step fails. */
export async function startBridgedP6(options: BridgedP6Options): Promise<BridgedP6> {
  const world = await startBridgedWorld({
    server: 'p6',
    homePrefix: options.homePrefix,
    serve: options.serve,
    async upstream(onStop) {
      const fake = await startP6Fake({ ...options.fake, tls: true });
      onStop(() => fake.stop());
      return fake;
    },
    async setUp(fake, { home, cli }) {
      for (const e of options.endpoints) {
        const r = await cli(['endpoint', 'add', 'p6', e.name, '--url', fake.url, '--user', e.user, '--database', 'PMDB', '--ca', fake.caFile!, ...(e.extra ?? []), '--password-stdin'], e.password);
        assert.equal(r.code, 0, r.stderr);
      }
      await options.prepare?.(fake, home);
    },
  });
  return { ...world, fake: world.upstream };
}
