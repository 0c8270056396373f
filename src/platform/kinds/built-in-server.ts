import fs from 'node:fs';
import path from 'node:path';
import type { KindServer } from './kind-module.js';

/**
 * A server KeyBroker ships: `dist/mcp/<folder>/index.cjs`, present once built, started with
 * `execArgv` (Node/V8 flags measured for that server, ./server-flags.ts) and `env` (fixed
 * tunables such as glibc's malloc settings, never a secret), both from docs/PERFORMANCE.md.
 * index.cjs is the entry the build made for the server (./server-entry.ts): it runs the
 * server's bundle, server.cjs, through the code cache the build made beside it.
 */
export function builtInServer(folder: string, execArgv?: readonly string[], env?: Readonly<Record<string, string>>): KindServer {
  return {
    ...(execArgv && execArgv.length > 0 ? { execArgv } : {}),
    ...(env ? { env } : {}),
    modulePath: (distDir) => {
      const file = path.join(distDir, 'mcp', folder, 'index.cjs');
      return fs.existsSync(file) ? file : undefined;
    },
  };
}
