// KeyBroker's version, `version` in package.json, as this build was made with it.
// Bundles get it inlined by esbuild (`define`, scripts/esbuild-version.mjs): nothing reads
// package.json at run time, which the packaged app may not even have beside its bundles, and
// a constant costs no start-up time. Only the unbundled source tree (tests and the dev kinds
// under tsx) has no define; it takes the value from package.json through a JSON import, which
// a bundle never keeps because the branch is dead once the define is in.
import packageJson from '../../package.json' with { type: 'json' };

declare const __KEYBROKER_VERSION__: string | undefined;

/** KeyBroker's version (`0.2.0`): package.json `version` at build time. */
export const KEYBROKER_VERSION: string = typeof __KEYBROKER_VERSION__ === 'string' ? __KEYBROKER_VERSION__ : packageJson.version;
