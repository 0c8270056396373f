#!/usr/bin/env node
// The `keybroker` command. The CLI is bundled into dist/ by `npm run build`.
// `keybroker bridge SERVER` (what Claude Desktop runs) loads only the small bridge bundle,
// not the full CLI, so it starts about as fast as a bare `node`. That bundle is CommonJS
// (dist/cli/bridge.cjs, see scripts/build.mjs), so it is loaded with require.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bridge = process.argv[2] === 'bridge';
const entry = new URL(bridge ? '../dist/cli/bridge.cjs' : '../dist/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('keybroker: not built yet; run `npm run build` in the KeyBroker folder, then retry\n');
  process.exit(1);
}
if (bridge) {
  // The bridge bundle reads its SERVER from argv[2], as when it is started directly.
  process.argv.splice(2, 1);
  createRequire(import.meta.url)(fileURLToPath(entry));
} else {
  await import(entry.href);
}
