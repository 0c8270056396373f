import { McpToolError } from '../runtime/toolkit/mcp-tool-error.js';

/**
 * A vSphere tool refused a call for a reason the caller can fix (bad argument, unknown VM,
 * stale cursor). The toolkit's error policy shows it as `VSPHERE_TOOL_INVALID: message`, so
 * the message must be safe to show and say what to do next (STYLE.md §10).
 */
export class VsphereToolError extends McpToolError {
  override readonly name = 'VsphereToolError' as const;
  declare readonly code: 'VSPHERE_TOOL_INVALID';

  constructor(message: string, options?: { cause?: unknown }) {
    super('VSPHERE_TOOL_INVALID', message, options);
  }
}
