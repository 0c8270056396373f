import type { Plugin } from 'esbuild';

/** The lean entry file that `undici` resolves to in KeyBroker bundles (see esbuild-undici-lean.mjs). */
export const UNDICI_LEAN_ENTRY: string;
/** esbuild plugin: resolves `undici` to the lean entry (see esbuild-undici-lean.mjs). */
export const undiciLean: Plugin;
