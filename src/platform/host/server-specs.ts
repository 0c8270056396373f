import path from 'node:path';
import type { Config } from '../../base/contracts/config.js';
import type { EndpointKind } from '../../base/kinds/registry.js';
import { kindModules } from '../kinds/registry.js';
import type { ServerSpec } from '../supervisor/server-spec.js';

/**
 * The MCP servers the host runs: each registered kind's server present in `distDir`, then
 * the config's extra `servers`. A built-in not yet built is simply absent (the bridge then
 * says so).
 */
export function serverSpecs(config: Config, distDir: string): ServerSpec[] {
  const specs: ServerSpec[] = [];
  for (const { descriptor, server } of kindModules()) {
    const modulePath = server?.modulePath(distDir);
    if (!server || modulePath === undefined) continue;
    specs.push({ name: descriptor.id, kind: descriptor.id as EndpointKind, modulePath, ...(server.reads ? { reads: server.reads(distDir) } : {}), ...(server.execArgv ? { execArgv: server.execArgv } : {}), ...(server.env ? { env: server.env } : {}) });
  }
  // Security (C7-firstuse): marked, so the broker asks before their first session of an unlock.
  for (const s of config.servers) specs.push({ name: s.name, kind: s.kind, modulePath: path.resolve(s.module), execArgv: s.execArgv, fromConfig: true });
  return specs;
}
