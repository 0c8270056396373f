// raw-read.ts bundled to plain JavaScript, so bench:p6 runs the raw read as bare `node` and its
// peak RSS is node's plus the read's, not tsx's (whose loader and esbuild service were most of
// the old figure). Bundled as the children are (ESM, node20, the same lean undici entry:
// scripts/esbuild-undici-lean.mjs), so both peers read P6 with the same undici code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { undiciLean } from '../../scripts/esbuild-undici-lean.mjs';

/** Bundle raw-read.ts into a fresh temp folder; returns the script's path and a remover. */
export async function bundleRawRead(): Promise<{ file: string; dispose(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bench-raw-read-'));
  const file = path.join(dir, 'raw-read.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'raw-read.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: "import { createRequire as __kbCreateRequire } from 'node:module'; const require = __kbCreateRequire(import.meta.url);" },
    logLevel: 'warning',
    plugins: [undiciLean],
  });
  return { file, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
