// esbuild plugin: bundle zod's English messages only (docs/PERFORMANCE.md, CLI start-up).
// `import { z } from 'zod'` is a namespace that re-exports `locales`, every language zod
// ships, so a bundler must keep all of them: 368 KB of the 755 KB zod chunk that
// `keybroker status` compiled on every start. KeyBroker never calls `z.config(z.locales.xx())`;
// zod registers English itself on the first schema it builds (zod/v4/classic/schemas.js
// imports locales/en.js directly), so messages are unchanged. This plugin replaces
// zod/v4/locales/index.js with a module that exports `en` alone.
import path from 'node:path';

const LOCALES_INDEX = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;

/** @type {import('esbuild').Plugin} */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: LOCALES_INDEX }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};
