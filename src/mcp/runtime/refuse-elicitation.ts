import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * The JSON Schema validator the built-in servers (vSphere, P6) give the SDK instead of its
 * default. The SDK uses it for one thing only: checking what a client answers to an
 * elicitation (`elicitInput`), which neither server ever asks for. The default builds an Ajv
 * instance with every string format on start-up, in a child that never uses it (issue 17
 * items 4, 5: ~0.4 MiB and a few ms of the idle child; docs/PERFORMANCE.md §3). This one
 * refuses every schema, so an elicitation added later fails loudly instead of accepting an
 * unchecked answer. Since both servers always pass this one, the build leaves the SDK's Ajv
 * out of their bundles (scripts/esbuild-sdk-no-ajv.mjs: a server without this option would
 * not start).
 */
export const refuseElicitation: jsonSchemaValidator = {
  // Security: fail closed; an answer nothing checked is never "valid".
  getValidator: () => () => ({ valid: false, data: undefined, errorMessage: 'this server does not ask clients for input (no elicitation)' }),
};
