import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Config, emptyConfig } from '../../src/base/contracts/config.js';
import { ConfigStore } from '../../src/platform/config/config-store.js';
import { startBridgedServe } from './bridged-serve.js';
import { runKeybroker } from './keybroker-cli.js';
import { startSecretService } from './secret-service.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/compromised-mcp-child.mjs');

/** A running `keybroker serve` whose only server is the compromised MCP child, and a client on it. */
export interface EvilServe {
  readonly home: string;
  readonly client: Client;
  stop(): Promise<void>;
}

/**
 * `keybroker serve` on a fresh home and a private Secret Service, with one server `evil`: the
 * compromised MCP child (`--mcp`: it answers a call with the bytes the test gives it), and an SDK
 * Client connected through the real `keybroker bridge`. `stop` ends all of it and removes the home.
 */
export async function startEvilServe(prefix: string): Promise<EvilServe> {
  const ss = await startSecretService();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const env = { ...process.env, ...ss.env, KEYBROKER_HOME: home };
  const stopRest = async () => {
    await ss.stop();
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    new ConfigStore(home).save(Config.parse({ ...emptyConfig(), servers: [{ name: 'evil', kind: 'vsphere', module: FIXTURE }] }));
    const { serve, client } = await startBridgedServe(env, (args) => runKeybroker(args, { env }), 'evil');
    return {
      home,
      client,
      async stop() {
        await client.close();
        await serve.stop();
        await stopRest();
      },
    };
  } catch (e) {
    await stopRest();
    throw e;
  }
}
