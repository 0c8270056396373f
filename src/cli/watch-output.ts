import type { Writable } from 'node:stream';

/**
 * Treat a failed write to stdout or stderr as "the reader is gone" (issue 10 item 6):
 * `keybroker audit --json | head -1`, or `keybroker serve 2>&1 | head -1` once head exits.
 * Without an 'error' listener Node turns the EPIPE into an uncaught exception, which
 * killed the host without logging out. Every stream error counts, not only EPIPE: EIO
 * from a hung-up terminal means the same, and nothing could be reported on that stream
 * anyway. Calls `onClosed` once with the error code; later writes to the destroyed
 * stream are dropped by Node.
 */
export function watchOutput(streams: readonly Writable[], onClosed: (code: string) => void): void {
  let fired = false;
  for (const stream of streams) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (fired) return;
      fired = true;
      onClosed(e.code ?? 'EPIPE');
    });
  }
}
