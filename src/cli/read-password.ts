import { usageError } from './cli-error.js';

/** Longer than any real password; stops `--password-stdin < bigfile` from being read whole. */
export const MAX_PASSWORD_BYTES = 4096;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Read the password piped on stdin (`--password-stdin`): all of it, minus one trailing
 * newline (`\n` or `\r\n`, as `echo` or a Windows pipe adds).
 *
 * Security: the password never comes from argv or env (both are visible to other local
 * processes). A terminal is refused because it would echo the password; every error says
 * what was wrong with the input without quoting it.
 */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  if ((stdin as { isTTY?: boolean }).isTTY) {
    throw usageError('--password-stdin reads a pipe, not a terminal (it would echo); e.g. read -rs PW && printf %s "$PW" | keybroker ...');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    total += buf.length;
    chunks.push(buf);
    if (total > MAX_PASSWORD_BYTES + 2) break;
  }
  const raw = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0); // Best effort: do not leave copies of the secret around.
  try {
    if (raw.length > MAX_PASSWORD_BYTES + 2) throw usageError(`the password on stdin is longer than ${MAX_PASSWORD_BYTES} bytes; pipe only the password`);
    let text: string;
    try {
      text = decoder.decode(raw);
    } catch {
      throw usageError('the password on stdin is not UTF-8 text; pipe only the password');
    }
    if (text.endsWith('\r\n')) text = text.slice(0, -2);
    else if (text.endsWith('\n')) text = text.slice(0, -1);
    if (text.length === 0) throw usageError('no password on stdin; pipe it in, e.g. printf %s "$PW" | keybroker endpoint add ... --password-stdin');
    if (/[\r\n\0]/.test(text)) throw usageError('stdin holds more than one line; pipe only the password');
    return text;
  } finally {
    raw.fill(0);
  }
}
