import type { Plugin } from 'esbuild';

/** The MCP SDK's Ajv provider, in its ESM and CommonJS builds (see esbuild-sdk-no-ajv.mjs). */
export const SDK_AJV_PROVIDER: RegExp;
/** esbuild plugin: the SDK's Ajv provider as a class that refuses to be built (see esbuild-sdk-no-ajv.mjs). */
export const sdkWithoutAjv: Plugin;
