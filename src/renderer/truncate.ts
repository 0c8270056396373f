import { sanitizeText } from '../base/sanitize-text.js';
import { cutBefore } from '../base/surrogate-safe-cut.js';

/** At most this many characters of arguments are shown; the rest is summarised. */
export const MAX_PREVIEW_CHARS = 4000;
/** At most this many lines. */
export const MAX_PREVIEW_LINES = 60;

/**
 * Pretty-print a tool's argument preview and cut it to a size the popup can show.
 * Text that is not JSON is shown as is. Cuts never split a surrogate pair and always say
 * how much was left out, so a huge or hostile argument cannot hide what follows it.
 * Security: the result has been through the shared sanitizer (multi-line), since
 * JSON.stringify leaves bidi overrides and invisible characters in strings as they are.
 */
export function previewArgs(text: string, maxChars = MAX_PREVIEW_CHARS, maxLines = MAX_PREVIEW_LINES): { text: string; truncated: boolean } {
  let pretty = text;
  if (text.length <= 64 * 1024) {
    try {
      pretty = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      pretty = text;
    }
  }
  pretty = sanitizeText(pretty, { multiline: true });
  let out = pretty;
  let truncated = false;
  const lines = out.split('\n');
  if (lines.length > maxLines) {
    out = lines.slice(0, maxLines).join('\n');
    truncated = true;
  }
  if (out.length > maxChars) {
    // The project's one surrogate-safe cut (D268), not a check of its own.
    out = out.slice(0, cutBefore(out, maxChars));
    truncated = true;
  }
  if (truncated) out += `\n… (${pretty.length - out.length} more characters not shown)`;
  return { text: out, truncated };
}
