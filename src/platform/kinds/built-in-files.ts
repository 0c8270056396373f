/**
 * The files of one built-in server child in `dist/mcp/<name>/` (scripts/build.mjs writes
 * them): the entry the host starts, the server's bundle it runs and V8's code cache of that
 * bundle (absent when the build's warm-up failed). The bundles are self-contained (Node's
 * built-ins only; undici's parser is inlined WebAssembly), so these three files are all a
 * child reads of KeyBroker: the sandbox binds exactly them (D182).
 */
export const BUILT_IN_SERVER_FILES = { entry: 'index.cjs', bundle: 'server.cjs', cache: 'server.v8cache' } as const;
