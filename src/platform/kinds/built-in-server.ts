import fs from 'node:fs';
import path from 'node:path';
import type { KindServer } from './kind-module.js';

/** A server KeyBroker ships: `dist/mcp/<folder>/index.js`, present once built. */
export function builtInServer(folder: string): KindServer {
  return {
    modulePath: (distDir) => {
      const file = path.join(distDir, 'mcp', folder, 'index.js');
      return fs.existsSync(file) ? file : undefined;
    },
  };
}
