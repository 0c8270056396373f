/**
 * Base class of every expected failure of an MCP server tool (STYLE.md §8): a bad argument,
 * nothing found, a stale cursor, a refused token. The toolkit's error policy shows it to the
 * model as `CODE: message`, so the message is one line, written for the model, says what to
 * do next and never carries a secret. Servers subclass it (VsphereToolError, P6ToolError) or
 * throw it with their own stable code.
 */
export class McpToolError extends Error {
  override readonly name: string = 'McpToolError';

  constructor(
    /** Stable, e.g. `P6_NOT_FOUND`, `VSPHERE_TOOL_INVALID`; tests and clients may branch on it. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
