import type { Dispatcher } from 'undici';

/**
 * An upstream's response body as UTF-8 text, read only up to `cap` bytes: past it the stream is
 * destroyed (nothing more is read, the connection is dropped) and `tooLarge()` is thrown. A
 * `content-length` can be absent (chunked) or false, so the bytes are counted as they arrive:
 * a hostile or broken server cannot make a connector buffer without bound.
 */
export async function readBoundedBody(body: Dispatcher.ResponseData['body'], cap: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > cap) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
