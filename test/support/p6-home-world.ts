// The set-up of the integration tests that drive the broker by hand against P6: a private
// Secret Service, the P6 fake over TLS with one user, a home whose endpoint `pm` the real CLI
// added, and an in-process Host on that home (home-host.ts). Stopped last started first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerSpec } from '../../src/platform/supervisor/server-spec.js';
import { startP6Fake, type P6Fake } from '../fixtures/p6/start-p6-fake.js';
import { startHomeHost, type HomeHost } from './home-host.js';
import { runKeybroker } from './keybroker-cli.js';
import { startSecretService, type SecretService } from './secret-service.js';

/** What `startP6HomeWorld` started; `stop()` ends all of it and removes the home. */
export interface P6HomeWorld extends HomeHost {
  readonly ss: SecretService;
  readonly fake: P6Fake;
  readonly home: string;
  /** The environment the CLI runs with on this home. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface P6HomeWorldOptions {
  /** The fake's user `planner` has it, and `pm` stores it. */
  readonly password: string;
  /** The temp home's name prefix, e.g. `kb-token-cancel-`. */
  readonly prefix: string;
  /** More arguments for `endpoint add`, e.g. `--no-verify`. */
  readonly addArgs?: readonly string[];
  /** An `audit` section written into config.json (a small rotation for the flood tests). */
  readonly audit?: { readonly maxBytes: number; readonly keep: number };
  /** Run on the home before the host starts, after `pm` was added (e.g. `http enable`). */
  readonly prepare?: (home: string, env: NodeJS.ProcessEnv) => Promise<void>;
  /** The host's children (default none). */
  readonly servers?: (home: string) => readonly ServerSpec[];
}

export async function startP6HomeWorld(options: P6HomeWorldOptions): Promise<P6HomeWorld> {
  const stops: Array<() => Promise<void> | void> = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s();
    stops.length = 0;
  };
  try {
    const ss = await startSecretService();
    stops.push(() => ss.stop());
    ss.apply();
    const fake = await startP6Fake({ users: [{ username: 'planner', password: options.password }], databases: ['PMDB'], tls: true });
    stops.push(() => fake.stop());
    const home = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix));
    stops.push(() => fs.rmSync(home, { recursive: true, force: true }));
    const env = { ...process.env, KEYBROKER_HOME: home };
    const add = await runKeybroker(['endpoint', 'add', 'p6', 'pm', '--url', fake.url, '--user', 'planner', '--database', 'PMDB', '--ca', fake.caFile!, ...(options.addArgs ?? []), '--password-stdin'], { env, stdin: options.password });
    assert.equal(add.code, 0, add.stderr);
    await options.prepare?.(home, env);
    if (options.audit) {
      const configFile = path.join(home, 'config.json');
      const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(configFile, JSON.stringify({ ...config, audit: options.audit }), { mode: 0o600 });
    }
    const { host, pending } = await startHomeHost(home, options.servers ? { servers: options.servers(home) } : {});
    stops.push(() => pending.dispose(), () => host.stop());
    return { ss, fake, home, env, host, pending, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
