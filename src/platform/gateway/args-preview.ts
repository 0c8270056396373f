/** Longest argument preview an approval shows; the popup and CLI truncate further for display. */
export const MAX_ARGS_PREVIEW = 8 * 1024;

/**
 * Pretty JSON of a tool call's arguments for the approval prompt, cut safely at
 * MAX_ARGS_PREVIEW characters. Rendering as inert text is the displays' job.
 */
export function argsPreview(args: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(args ?? {}, null, 2) ?? '{}';
  } catch {
    text = '(arguments could not be shown)';
  }
  return text.length > MAX_ARGS_PREVIEW ? `${text.slice(0, MAX_ARGS_PREVIEW - 20)}\n… (truncated)` : text;
}
