#!/usr/bin/env node
// The `keybroker` command. The CLI is bundled into dist/ by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('keybroker: not built yet; run `npm run build` in the KeyBroker folder, then retry\n');
  process.exit(1);
}
await import(entry.href);
