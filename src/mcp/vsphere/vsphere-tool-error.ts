/**
 * A tool refused a call for a reason the caller can fix (bad argument, unknown VM, stale
 * cursor). The SDK turns the thrown error into an `isError` result with this message, so
 * it must be safe to show and say what to do next (STYLE.md §10).
 */
export class VsphereToolError extends Error {
  override readonly name = 'VsphereToolError' as const;
  readonly code = 'VSPHERE_TOOL_INVALID' as const;
}
