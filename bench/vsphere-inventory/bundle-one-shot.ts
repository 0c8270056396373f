// bench/vsphere-inventory: the one-shot (ours.ts and the connector) built as scripts/build.mjs
// builds the product's server children (D102): one CommonJS bundle, server.cjs,
// and its entry, index.cjs, which runs it through a V8 code cache; makeOneShotCache makes that
// cache by running the one-shot once, as the build makes a child's by running it once. So
// the one-shot process pays node's start-up and a code-cache read, not tsx's start-up or a
// compile of the whole bundle. Used by the bench (index.ts) and its aids (profile-one-shot.ts).
// A BENCH_BASE checkout is bundled by its own bundle-one-shot.ts (bundleCheckout), so the
// same-run "before" starts as that checkout did.
import fs from 'node:fs';
import path from 'node:path';
import { buildCachedEntry, makeCodeCache, nodeBundleOptions } from '../../scripts/build.mjs';
import { VSPHERE_SERVER_FLAGS } from '../../src/platform/kinds/server-flags.js';

export const ONE_SHOT_CONNECTOR = 'src/connectors/vsphere/list-all-vms.ts';
const OURS = 'bench/vsphere-inventory/ours.ts';
const ROOT = path.resolve(import.meta.dirname, '../..');

/** This checkout's one-shot into `outdir` (entry index.cjs, bundle server.cjs, no cache yet); the entry's path. */
export async function bundleOneShot(root: string, outdir: string): Promise<string> {
  fs.rmSync(outdir, { recursive: true, force: true });
  const { entry } = await buildCachedEntry({ src: path.join(root, OURS), outdir, options: { ...nodeBundleOptions({ quiet: true }), sourcemap: false } });
  return entry;
}

/**
 * The one-shot's code cache: one run of it against `env`'s vCenter (the bench's vcsim), which
 * saves the code cache beside the bundle at exit. Throws when that run fails.
 */
export async function makeOneShotCache(entry: string, env: Record<string, string>, flags: readonly string[] = []): Promise<void> {
  const failed = await makeCodeCache({ entry, cache: path.join(path.dirname(entry), 'server.v8cache'), flags, env });
  if (failed) throw new Error(`the one-shot's warm-up run failed: ${failed}`);
}

/**
 * A checkout's one-shot, bundled by that checkout's own bundle-one-shot.ts (this one for this
 * checkout): the entry to run, the node flags to run it with, and how to finish it once vcsim
 * is up (its code cache, for a checkout that makes one). This checkout's one-shot runs with the
 * vSphere child's own V8 flags (src/platform/kinds/server-flags.ts), as the product's child
 * does; its cache is made under the same flags, since V8 refuses one made under others.
 */
export async function bundleCheckout(root: string, outdir: string): Promise<{ entry: string; flags: readonly string[]; finish: (env: Record<string, string>) => Promise<void> }> {
  if (path.resolve(root) === ROOT) {
    const entry = await bundleOneShot(root, outdir);
    return { entry, flags: VSPHERE_SERVER_FLAGS, finish: (env) => makeOneShotCache(entry, env, VSPHERE_SERVER_FLAGS) };
  }
  const theirs = (await import(path.join(root, 'bench', 'vsphere-inventory', 'bundle-one-shot.ts'))) as {
    bundleOneShot(root: string, outdir: string): Promise<string>;
    makeOneShotCache?: (entry: string, env: Record<string, string>) => Promise<void>;
    bundleCheckout?: typeof bundleCheckout;
  };
  // A checkout that has bundleCheckout runs its one-shot with its own flags and cache (its
  // ROOT is `root`); an older one had no child flags, so none.
  if (theirs.bundleCheckout) return theirs.bundleCheckout(root, outdir);
  const entry = await theirs.bundleOneShot(root, outdir);
  return { entry, flags: [], finish: async (env) => theirs.makeOneShotCache?.(entry, env) };
}
