import type { Plugin } from 'esbuild';

/** A bundle's JavaScript with non-ASCII characters in comment lines replaced one for one (see esbuild-ascii-source.mjs). */
export function asciiSource(text: string, file: string): Promise<string>;
/** esbuild plugin: asciiSource() on every JavaScript file a build writes (see esbuild-ascii-source.mjs). */
export const asciiOutput: Plugin;
