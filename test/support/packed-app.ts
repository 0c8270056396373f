// Lays out exactly the files electron-builder would pack, without Electron: the app's files
// (electron-builder.yml `files` plus the defaults electron-builder adds), the production
// node_modules, and `extraResources`. The matching is electron-builder's own code
// (app-builder-lib/out/fileMatcher.js, the version in node_modules), not a re-implementation,
// so the copy has the same globs, default exclusions and "folder means folder/**" rules.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));

interface Matcher {
  readonly from: string;
  readonly to: string;
  readonly patterns: string[];
  createFilter(): (file: string, stat: fs.Stats) => boolean;
}
const fileMatcher = fromBuilder('app-builder-lib/out/fileMatcher') as {
  getMainFileMatchers(appDir: string, destination: string, macroExpander: (s: string) => string, platformOptions: object, platformPackager: object, outDir: string, isElectronCompile: boolean): Matcher[];
  getFileMatchers(config: object, name: string, destination: string, options: { macroExpander: (s: string) => string; customBuildOptions: object; globalOutDir: string; defaultSrc: string }): Matcher[] | null;
  copyFiles(matchers: Matcher[] | null, transformer: null, isUseHardLink: boolean): Promise<unknown>;
};

/** The layout of a packed app's `Contents/Resources` (macOS) or `resources` (Windows, Linux). */
export interface PackedApp {
  /** `…/resources`: `process.resourcesPath` in the app. */
  readonly resources: string;
  /**
   * `…/resources/app.asar`: here a folder with the archive's contents. Electron's fs reads an
   * archive like a folder, so code that only reads files sees the same thing; a path into it
   * is exactly the kind of path no other program (Claude Desktop's Node) can use.
   */
  readonly app: string;
  /** `…/resources/app.asar.unpacked`: the files `asarUnpack` keeps outside the archive. */
  readonly unpacked: string;
  /** Every packed file, relative to `resources`, sorted. */
  readonly files: readonly string[];
}

type BuilderConfig = { files?: unknown; asarUnpack?: string[]; extraResources?: unknown; mac?: object; directories?: { output?: string; buildResources?: string } };

/** Copy what `electron-builder --config <configFile>` packs from ROOT into `into` (dist/ must be built). */
export async function assemblePackedApp(into: string, configFile = 'electron-builder.yml'): Promise<PackedApp> {
  const config = parse(fs.readFileSync(path.join(ROOT, configFile), 'utf8')) as BuilderConfig;
  const resources = path.join(into, 'resources');
  const app = path.join(resources, 'app.asar');
  const unpacked = path.join(resources, 'app.asar.unpacked');
  const expand = (s: string) => s.replaceAll('${os}', 'mac').replaceAll('${platform}', 'darwin').replaceAll('${arch}', 'universal');
  const outDir = path.join(ROOT, config.directories?.output ?? 'dist');
  // Just the fields getMainFileMatchers reads of electron-builder's Packager.
  const packager = { info: { projectDir: ROOT, buildResourcesDir: config.directories?.buildResources ?? 'build', isPrepackedAppAsar: false, config, debugLogger: { isEnabled: false } } };
  const main = fileMatcher.getMainFileMatchers(ROOT, app, expand, config.mac ?? {}, packager, outDir, false);
  await fileMatcher.copyFiles(main, null, false);
  copyProductionModules(path.join(app, 'node_modules'));

  // asarUnpack: the matching files also exist outside the archive (Electron redirects reads).
  const unpack = fileMatcher.getFileMatchers(config, 'asarUnpack', unpacked, { macroExpander: expand, customBuildOptions: config.mac ?? {}, globalOutDir: outDir, defaultSrc: app });
  if (unpack) {
    const filter = unpack[0]!.createFilter();
    for (const rel of listFiles(app)) {
      const file = path.join(app, rel);
      if (filter(file, fs.statSync(file))) {
        fs.mkdirSync(path.dirname(path.join(unpacked, rel)), { recursive: true });
        fs.copyFileSync(file, path.join(unpacked, rel));
      }
    }
  }
  const extra = fileMatcher.getFileMatchers(config, 'extraResources', resources, { macroExpander: expand, customBuildOptions: config.mac ?? {}, globalOutDir: outDir, defaultSrc: ROOT });
  await fileMatcher.copyFiles(extra, null, false);
  return { resources, app, unpacked, files: listFiles(resources) };
}

/**
 * The production dependency tree (package-lock.json entries that are not dev-only), as
 * electron-builder's node-module collector adds it; optional platform packages that npm did
 * not install here are skipped, as they would be on the build machine.
 */
function copyProductionModules(into: string): void {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  for (const [key, meta] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || meta.dev || meta.devOptional) continue;
    const source = path.join(ROOT, key);
    if (!fs.existsSync(source)) continue;
    const target = path.join(into, key.slice('node_modules/'.length));
    // Nested node_modules are their own lock entries; copy each package's own files once.
    fs.cpSync(source, target, { recursive: true, filter: (src) => src === source || !path.relative(source, src).split(path.sep).includes('node_modules') });
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out.sort();
}
