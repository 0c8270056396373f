import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { ConnectorError } from '../connector-error.js';
import { peerFingerprint } from './certificate-fingerprint.js';
import { mapUpstreamError } from './map-upstream-error.js';

/** What the connector needs; validated by createUpstreamDispatcher. */
export interface UpstreamConnectorOptions {
  /** Normalised upper-case colon form; the leaf certificate must hash to exactly this. */
  readonly fingerprintSha256?: string;
  /** PEM bundle that replaces the system roots for this upstream. */
  readonly ca?: string;
  /** TCP plus TLS handshake budget. */
  readonly connectTimeoutMs: number;
}

/**
 * An undici `connect` function for one upstream. Certificate checks finish inside it,
 * after `secureConnect` and before undici may write a single request byte, so a failed
 * check never leaks a password or session cookie to the wrong server.
 *
 * - No pin: normal chain and host name verification (against `ca` when given).
 * - Pin only: the pin replaces chain and name checks, which is what makes a self-signed
 *   vCenter or vcsim certificate usable; the leaf must hash to the pin.
 * - Pin and `ca`: both must hold.
 */
export function createUpstreamConnector(options: UpstreamConnectorOptions): buildConnector.connector {
  const pin = options.fingerprintSha256;
  const base = buildConnector({
    timeout: options.connectTimeoutMs,
    // Security: always explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch checks off.
    // Only a pin without a CA turns chain checks off, because the pin check below replaces them.
    rejectUnauthorized: pin === undefined || options.ca !== undefined,
    ca: options.ca, // Undefined means the system roots, as if absent.
    // Security: no TLS session resumption with a pin, so every connection shows the
    // server's certificate afresh to the pin check.
    ...(pin !== undefined ? { maxCachedSessions: 0 } : {}),
  });

  return (connectOptions, callback) => {
    const target = `${connectOptions.hostname}:${connectOptions.port || 443}`;
    // Security: this dispatcher carries passwords and session cookies; never in clear text.
    if (connectOptions.protocol !== 'https:') {
      callback(new ConnectorError('CONN_INVALID_REQUEST', `refusing a plain-text connection to ${target}; use an https:// URL`), null);
      return;
    }
    base(connectOptions, (error, socket) => {
      if (error !== null) {
        callback(mapUpstreamError(error, target), null);
        return;
      }
      if (pin !== undefined) {
        // Security: certificate pinning; reject before any request byte is written.
        const seen = peerFingerprint(socket as TLSSocket);
        if (seen !== pin) {
          socket.destroy();
          callback(fingerprintMismatch(target, seen, pin), null);
          return;
        }
      }
      callback(null, socket);
    });
  };
}

function fingerprintMismatch(target: string, seen: string | undefined, pin: string): ConnectorError {
  // Stryker disable all: unreachable in tests; every TLS suite Node enables makes the server show a certificate. Kept for a clear message.
  if (seen === undefined) {
    return new ConnectorError('CONN_TLS_FINGERPRINT', `${target} presented no TLS certificate but the endpoint pins SHA-256 ${pin}; check the URL`);
  }
  // Stryker restore all
  return new ConnectorError(
    'CONN_TLS_FINGERPRINT',
    `server certificate SHA-256 of ${target} is ${seen} but the endpoint pins ${pin}; ` +
      `this can be an attack, so confirm the new fingerprint with the server's administrator, ` +
      `then run \`keybroker endpoint update NAME --fingerprint ${seen}\``,
  );
}
