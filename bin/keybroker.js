#!/usr/bin/env node
// The `keybroker` command. The CLI is bundled into dist/ by `npm run build`.
// `keybroker bridge SERVER` (what Claude Desktop runs) loads only the small bridge bundle,
// not the full CLI, so it starts about as fast as a bare `node`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bridge = process.argv[2] === 'bridge';
const entry = new URL(bridge ? '../dist/cli/bridge.js' : '../dist/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('keybroker: not built yet; run `npm run build` in the KeyBroker folder, then retry\n');
  process.exit(1);
}
// The bridge bundle reads its SERVER from argv[2], as when it is started directly.
if (bridge) process.argv.splice(2, 1);
await import(entry.href);
