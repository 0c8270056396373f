// esbuild plugin: bundle the parts of undici KeyBroker uses, not all of undici
// (docs/DECISIONS.md, docs/PERFORMANCE.md §5). `import { Agent } from 'undici'` loads
// undici's index.js, which requires fetch, WebSocket, EventSource, the mocks, the caches and
// every interceptor: 1.08 MB of each child's bundle, compiled on every start. This plugin
// resolves the bare specifier `undici` to scripts/undici-lean.mjs, which exports Agent,
// Dispatcher, buildConnector, errors and a `request` that requires a dispatcher. Deep
// imports (`undici/lib/...`, from the lean file itself) resolve as usual.
//
// And undici's HTTP/2 client (lib/dispatcher/client-h2.js) is loaded on its first use, not
// when client.js loads: it requires `node:http2` at load, which brings Node's http2, tls,
// fs/promises and readline modules into every child before its first request (~25 of Node's
// own modules). KeyBroker's connections offer HTTP/1.1 only (undici's `allowH2` is false
// unless set, and src never sets it), so the HTTP/2 client never runs; should an Agent ever
// negotiate h2, the same code loads then and runs as before (docs/PERFORMANCE.md §5, round 5).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lean entry: what `undici` means in a KeyBroker bundle. */
export const UNDICI_LEAN_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'undici-lean.mjs');

/** The one module that requires undici's HTTP/2 client (`require('./client-h2.js')`). */
const CLIENT_JS = /[\\/]node_modules[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/;

/**
 * What client.js gets for `require('./client-h2.js')`: undici's `connectH2(client, socket)`,
 * required on its first call. esbuild bundles client-h2.js as usual (it resolves from this
 * module's folder, undici's lib/dispatcher), so its code only runs later.
 */
const LAZY_CLIENT_H2 = `'use strict'
let connectH2
module.exports = function connectH2OnFirstUse (client, socket) {
  connectH2 ??= require('./client-h2.js')
  return connectH2(client, socket)
}
`;

/** @type {import('esbuild').Plugin} */
export const undiciLean = {
  name: 'undici-lean',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: UNDICI_LEAN_ENTRY }));
    // A relative name, so the bundle (and its build id) does not carry the build machine's paths.
    build.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) => (CLIENT_JS.test(args.importer) ? { path: 'undici/lib/dispatcher/client-h2-on-first-use.js', namespace: 'undici-lean', pluginData: { resolveDir: path.dirname(args.importer) } } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'undici-lean' }, (args) => ({ contents: LAZY_CLIENT_H2, loader: 'js', resolveDir: args.pluginData.resolveDir }));
  },
};
