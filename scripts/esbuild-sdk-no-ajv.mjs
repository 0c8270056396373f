// esbuild plugin for a server child that gives the MCP SDK its own JSON Schema validator (the
// vSphere and P6 children: src/mcp/runtime/refuse-elicitation.ts, D99, D113): the SDK's Ajv provider becomes a class that
// refuses to be built, so Ajv and ajv-formats (~7,000 lines, run at load by the provider's
// static imports) leave the bundle. The SDK's Server builds the provider only when no
// validator is given (`options.jsonSchemaValidator ?? new AjvJsonSchemaValidator()`), and uses
// it only to check a client's answer to an elicitation (docs/PERFORMANCE.md §5, round 5).
// Security: fail closed. A server built with this plugin that stops passing its own validator
// does not start (the constructor throws), rather than taking elicitation answers unchecked.

/** The SDK's Ajv provider, in its ESM and CommonJS builds. */
export const SDK_AJV_PROVIDER = /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/](esm|cjs)[\\/]validation[\\/]ajv-provider\.js$/;

/** What the provider module is in such a bundle. */
const REFUSING_PROVIDER = `export class AjvJsonSchemaValidator {
  constructor() {
    throw new Error('this server is built without Ajv (scripts/esbuild-sdk-no-ajv.mjs): give the MCP server its own jsonSchemaValidator');
  }
}
`;

/** @type {import('esbuild').Plugin} */
export const sdkWithoutAjv = {
  name: 'sdk-without-ajv',
  setup(build) {
    build.onLoad({ filter: SDK_AJV_PROVIDER }, () => ({ contents: REFUSING_PROVIDER, loader: 'js' }));
  },
};
