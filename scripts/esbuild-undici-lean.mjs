// esbuild plugin: bundle the parts of undici KeyBroker uses, not all of undici
// (docs/DECISIONS.md, docs/PERFORMANCE.md §5). `import { Agent } from 'undici'` loads
// undici's index.js, which requires fetch, WebSocket, EventSource, the mocks, the caches and
// every interceptor: 1.08 MB of each child's bundle, compiled on every start. This plugin
// resolves the bare specifier `undici` to scripts/undici-lean.mjs, which exports Agent,
// Dispatcher, buildConnector, errors and a `request` that requires a dispatcher. Deep
// imports (`undici/lib/...`, from the lean file itself) resolve as usual.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lean entry: what `undici` means in a KeyBroker bundle. */
export const UNDICI_LEAN_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'undici-lean.mjs');

/** @type {import('esbuild').Plugin} */
export const undiciLean = {
  name: 'undici-lean',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: UNDICI_LEAN_ENTRY }));
  },
};
