/** Longest log line the host keeps from a child's stdout or stderr, in bytes; the rest of a longer line is dropped. */
export const MAX_CHILD_LOG_LINE_BYTES = 16 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Calls `onLine` with each line a child writes on `stream` (its stderr, or stdout when that is
 * not its channel), `\n` or `\r\n` ended; the last line also without an end.
 *
 * Security: a child (sandboxed: it parses what an upstream sends) must not be able to make the
 * host buffer without bound. `readline`, used here before, keeps a line until its newline
 * comes, however long: a child writing 1 GiB without a newline held 1 GiB (two bytes per
 * character once a string) in the host. Here a line is kept only up to `maxBytes`; past that
 * its first `maxBytes` are reported with a note and the rest is skipped as it arrives, one
 * chunk at a time, until its newline (as the channel's LineFramer does with frames).
 */
export function readChildLogLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void, maxBytes = MAX_CHILD_LOG_LINE_BYTES): void {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  const emit = (cut: boolean): void => {
    let line = Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (!cut && line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    onLine(cut ? `${line.toString('utf8')} [line cut: longer than ${maxBytes} bytes]` : line.toString('utf8'));
  };
  stream.on('data', (chunk: Buffer | string) => {
    let rest = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    while (rest.length > 0) {
      const nl = rest.indexOf(NEWLINE);
      if (skipping) {
        if (nl === -1) return;
        skipping = false;
        rest = rest.subarray(nl + 1);
        continue;
      }
      const end = nl === -1 ? rest.length : nl;
      if (size + end > maxBytes) {
        // Only the first maxBytes are kept (a copy, so the chunk can go); the rest until the newline is dropped.
        parts.push(Buffer.from(rest.subarray(0, maxBytes - size)));
        size = maxBytes;
        emit(true);
        skipping = true;
        continue;
      }
      if (nl === -1) {
        parts.push(Buffer.from(rest));
        size += rest.length;
        return;
      }
      parts.push(rest.subarray(0, nl));
      size += nl;
      emit(false);
      rest = rest.subarray(nl + 1);
    }
  });
  stream.on('end', () => {
    if (size > 0 && !skipping) emit(false);
  });
}
