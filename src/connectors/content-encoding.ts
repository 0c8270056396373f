import type { Dispatcher } from 'undici';

/**
 * The request header of a connector that reads answers as they are (vAPI, P6). Without an
 * Accept-Encoding a server may use any content coding (RFC 9110 §12.5.3), and undici's
 * `request` undoes none: `identity` asks for the bytes uncompressed. (The SOAP transport asks
 * for gzip instead and decompresses under its cap, PERFORMANCE.md.)
 */
export const ACCEPT_IDENTITY = { 'accept-encoding': 'identity' } as const;

/**
 * The answer's Content-Encoding when it is not `identity` (absent or empty counts as
 * identity), as one short printable word for an error message; undefined for an answer sent
 * as it is. A server or proxy that compresses although {@link ACCEPT_IDENTITY} asked it not
 * to is named in the error instead of its bytes being reported as "not JSON".
 */
export function unaskedContentEncoding(headers: Dispatcher.ResponseData['headers']): string | undefined {
  const raw = headers['content-encoding'];
  const value = (Array.isArray(raw) ? raw.join(', ') : (raw ?? '')).trim().toLowerCase();
  if (value === '' || value === 'identity') return undefined;
  // Security: server text in an error is kept to a token's characters and a short length.
  return /^[a-z0-9._, -]{1,40}$/.test(value) ? value : 'an unknown encoding';
}
