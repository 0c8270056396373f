import { McpToolError } from '../runtime/toolkit/mcp-tool-error.js';

/**
 * An expected failure of a P6 tool that is not the connector's (bad arguments, nothing
 * found). Messages are safe to show and say what to do next (STYLE.md §8).
 */
export class P6ToolError extends McpToolError {
  override readonly name = 'P6ToolError' as const;
  declare readonly code: `P6_${string}`;

  constructor(
    /** Stable code, e.g. `P6_NOT_FOUND`. */
    code: `P6_${string}`,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
