import type { Duplex } from 'node:stream';

/** The first line of a stream, or why there is none. */
export type FirstLine =
  | { readonly ok: true; readonly line: Buffer; readonly rest: Buffer }
  | { readonly ok: false; readonly reason: 'too-long' | 'timeout' | 'closed' };

/** Bounds of `readFirstLine`. */
export interface ReadFirstLineOptions {
  /** Longest accepted line in bytes, newline excluded. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

const NEWLINE = 0x0a;

/**
 * Read one handshake line (hello or welcome) from `stream`, bounded in size and time.
 *
 * On success the stream is left paused with none of our listeners, and `rest` holds the bytes
 * that arrived after the newline in the same chunk: the caller hands them to whatever reads
 * next, so a peer that pipelines its first message behind the handshake loses nothing.
 * Node built-ins only: the bridge bundle uses it.
 */
export function readFirstLine(stream: Duplex, options: ReadFirstLineOptions): Promise<FirstLine> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const finish = (result: FirstLine): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onClosed);
      stream.off('close', onClosed);
      stream.off('error', onClosed);
      stream.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        size += chunk.length;
        // Security: a peer that never sends a newline costs at most maxBytes, then is refused.
        if (size > options.maxBytes) return finish({ ok: false, reason: 'too-long' });
        parts.push(chunk);
        return;
      }
      if (size + nl > options.maxBytes) return finish({ ok: false, reason: 'too-long' });
      parts.push(chunk.subarray(0, nl));
      finish({ ok: true, line: Buffer.concat(parts), rest: Buffer.from(chunk.subarray(nl + 1)) });
    };
    const onClosed = (): void => finish({ ok: false, reason: 'closed' });
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout' }), options.timeoutMs);
    stream.on('data', onData);
    stream.once('end', onClosed);
    stream.once('close', onClosed);
    stream.once('error', onClosed);
    stream.resume();
  });
}
