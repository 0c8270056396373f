import type { BuildOptions } from 'esbuild';
import type { ChildProcess } from 'node:child_process';

/** Builds everything into dist/ (see build.mjs). */
export function buildAll(options?: { quiet?: boolean }): Promise<void>;
/** esbuild's options for a Node bundle (see build.mjs). */
export function nodeBundleOptions(options?: { quiet?: boolean }): BuildOptions & { plugins: NonNullable<BuildOptions['plugins']> };
/** `src` as `<outdir>/server.cjs` plus its entry `<outdir>/index.cjs` (see build.mjs). */
export function buildCachedEntry(options: { src: string; outdir: string; options: BuildOptions }): Promise<{ entry: string; cache: string }>;
/** Runs `entry` once so that it writes its code cache at exit; an error text, or undefined once written (see build.mjs). */
export function makeCodeCache(options: { entry: string; cache: string; flags?: readonly string[]; args?: readonly string[]; env?: Record<string, string>; drive?: (child: ChildProcess) => void }): Promise<string | undefined>;
