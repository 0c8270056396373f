import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../base/contracts/config.js';
import type { EndpointKind } from '../../base/contracts/names.js';
import type { ServerSpec } from '../supervisor/server-spec.js';
import { BUILT_IN_SERVER_FLAGS } from './built-in-server-flags.js';

/** The servers KeyBroker ships, by name; each is `dist/mcp/<name>/index.js` once built. */
const BUILT_IN: readonly (readonly [string, EndpointKind])[] = [['vsphere', 'vsphere'], ['p6', 'p6']];

/**
 * The MCP servers the host runs: the built-in ones present in `distDir`, then the config's
 * extra `servers`. A built-in not yet built is simply absent (the bridge then says so).
 */
export function serverSpecs(config: Config, distDir: string): ServerSpec[] {
  const specs: ServerSpec[] = [];
  for (const [name, kind] of BUILT_IN) {
    const modulePath = path.join(distDir, 'mcp', name, 'index.js');
    const execArgv = BUILT_IN_SERVER_FLAGS[name];
    if (fs.existsSync(modulePath)) specs.push({ name, kind, modulePath, ...(execArgv ? { execArgv } : {}) });
  }
  for (const s of config.servers) specs.push({ name: s.name, kind: s.kind, modulePath: path.resolve(s.module), execArgv: s.execArgv });
  return specs;
}
