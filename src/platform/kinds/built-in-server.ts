import fs from 'node:fs';
import path from 'node:path';
import type { KindServer } from './kind-module.js';

/**
 * A server KeyBroker ships: `dist/mcp/<folder>/index.js`, present once built, started with
 * `execArgv` (Node/V8 flags measured for that server) and `env` (fixed tunables such as
 * glibc's malloc settings, never a secret), both from docs/PERFORMANCE.md.
 */
export function builtInServer(folder: string, execArgv?: readonly string[], env?: Readonly<Record<string, string>>): KindServer {
  return {
    ...(execArgv ? { execArgv } : {}),
    ...(env ? { env } : {}),
    modulePath: (distDir) => {
      const file = path.join(distDir, 'mcp', folder, 'index.js');
      return fs.existsSync(file) ? file : undefined;
    },
  };
}
