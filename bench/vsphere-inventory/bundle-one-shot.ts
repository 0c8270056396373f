// bench/vsphere-inventory: the one-shot (ours.ts and the connector) as an esbuild bundle, as
// scripts/build.mjs bundles the product, so the one-shot process pays node's start-up but not
// tsx's. Used by the bench (index.ts) and its profiling aid (profile-one-shot.ts); `root` may
// be another checkout (BENCH_BASE), bundled with this checkout's plugins.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export const ONE_SHOT_CONNECTOR = 'src/connectors/vsphere/list-all-vms.ts';
const OURS = 'bench/vsphere-inventory/ours.ts';

/** Bundle `root`'s one-shot into `outdir`; the path of the bundled ours.js. */
export async function bundleOneShot(root: string, outdir: string): Promise<string> {
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    // outbase keeps the source layout, so ours.js's `../../src/...` specifier still resolves.
    entryPoints: [path.join(root, OURS), path.join(root, ONE_SHOT_CONNECTOR)],
    outbase: root,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // ESM bundles of CommonJS packages need `require` (the same banner as scripts/build.mjs).
    banner: { js: "import { createRequire as __kbCreateRequire } from 'node:module'; const require = __kbCreateRequire(import.meta.url);" },
    external: ['@napi-rs/keyring', 'electron'],
    logLevel: 'error',
    legalComments: 'none',
    // The lean undici entry every product bundle gets (scripts/build.mjs).
    plugins: [(await import('../../scripts/esbuild-undici-lean.mjs')).undiciLean],
  });
  return path.join(outdir, OURS.replace(/\.ts$/, '.js'));
}
