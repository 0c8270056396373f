import path from 'node:path';

/** Is `p` the folder `dir` or inside it? */
export function within(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/**
 * May a child see the folder `dir` around node as a whole (DECISIONS D162)?
 * Security: never the root, and never a folder that is a hidden folder, holds one or lies in
 * one: the home is hidden, so no folder of the home is ever readable as a whole because node
 * happens to be installed there (`~/bin`, `~/dev/bin`, nvm's version folder). A child then
 * gets node's binary alone, which is all an official build needs.
 */
export function mayExposeWhole(dir: string, hidden: readonly string[]): boolean {
  return dir !== path.parse(dir).root && !hidden.some((h) => within(h, dir) || within(dir, h));
}

/** What a macOS child may read of node's install: paths readable as themselves, folders readable whole. */
export interface NodeReads {
  /** The binary by the path it is started with and by its real path (the profile sees real paths). */
  readonly literals: readonly string[];
  /** Folders it needs beside the binary, none in the home or a hidden folder. */
  readonly subpaths: readonly string[];
}

// The outermost bundle: a helper app sits in its parent's Contents/Frameworks.
const APP_BUNDLE = /^(\/.*?\.app)\/Contents\//;
// Homebrew's node, also keg-only versions (node@22): <prefix>/Cellar/node@22/22.11.0/bin/node.
const HOMEBREW_KEG = /^(\/.*)\/Cellar\/node(?:@[^/]+)?\/[^/]+\/bin\/node$/;

/**
 * What node needs to read to start on macOS, by where it really is (`realPath`). An official
 * build (nodejs.org's installer in /usr/local, nvm, n, volta, fnm, asdf) links only system
 * libraries and reads its OpenSSL configuration under /System or /etc: the binary alone. An
 * executable inside an app bundle (Electron's helper) loads its frameworks from the bundle:
 * the outermost bundle's `Contents`. Homebrew's node links its libraries through
 * `<prefix>/opt/<formula>/lib`, which are links into `<prefix>/Cellar`, and reads openssl@3's
 * configuration and CA file under `<prefix>/etc`: those four folders, not the whole prefix
 * (its `var` holds the data of Homebrew's databases). Any other layout (MacPorts, a build of
 * one's own linking libraries elsewhere) gets the binary alone and does not start.
 * Security: a folder that {@link mayExposeWhole} refuses is left out, whatever the layout.
 */
export function macNodeReads(nodePath: string, realPath: string, hidden: readonly string[]): NodeReads {
  const around: string[] = [];
  const bundle = APP_BUNDLE.exec(realPath);
  const keg = HOMEBREW_KEG.exec(realPath);
  if (bundle) around.push(`${bundle[1]}/Contents`);
  else if (keg) around.push(...['Cellar', 'opt', 'etc/openssl@3', 'etc/ca-certificates'].map((d) => `${keg[1]}/${d}`));
  return { literals: [...new Set([nodePath, realPath])], subpaths: around.filter((d) => mayExposeWhole(d, hidden)) };
}
