import type { Plugin } from 'esbuild';

/** esbuild plugin: zod's English messages only (see esbuild-zod-english.mjs). */
export const zodEnglishOnly: Plugin;
