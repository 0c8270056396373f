import fs from 'node:fs';
import path from 'node:path';
import { BUILT_IN_SERVER_FILES } from './built-in-files.js';
import type { KindServer } from './kind-module.js';

/**
 * A server KeyBroker ships: `dist/mcp/<folder>/index.cjs`, present once built, started with
 * `execArgv` (Node/V8 flags measured for that server, ./server-flags.ts) and `env` (fixed
 * tunables such as glibc's malloc settings, never a secret), both from docs/PERFORMANCE.md.
 * index.cjs is the entry the build made for the server (./server-entry.ts): it runs the
 * server's bundle, server.cjs, through the code cache the build made beside it.
 * Security: `reads` names those three files and nothing else, so the sandbox shows the child
 * none of KeyBroker's package (its node_modules hold the keyring's native module) and none of
 * a project's node_modules that KeyBroker is installed in (D182).
 */
export function builtInServer(folder: string, execArgv?: readonly string[], env?: Readonly<Record<string, string>>): KindServer {
  const file = (distDir: string, name: string) => path.join(distDir, 'mcp', folder, name);
  return {
    ...(execArgv && execArgv.length > 0 ? { execArgv } : {}),
    ...(env ? { env } : {}),
    modulePath: (distDir) => {
      const entry = file(distDir, BUILT_IN_SERVER_FILES.entry);
      return fs.existsSync(entry) ? entry : undefined;
    },
    reads: (distDir) => Object.values(BUILT_IN_SERVER_FILES).map((name) => file(distDir, name)),
  };
}
