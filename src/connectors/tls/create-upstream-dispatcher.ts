import { X509Certificate } from 'node:crypto';
import { Agent } from 'undici';
import { normalizeFingerprint } from '../../base/contracts/normalize-fingerprint.js';
import { ConnectorError } from '../connector-error.js';
import { afterIdleTurn } from './after-idle-turn.js';
import { createUpstreamConnector } from './create-upstream-connector.js';

/** TLS trust and timeouts for one upstream (an endpoint's `tls` settings). */
export interface UpstreamDispatcherOptions {
  /** SHA-256 of the server's leaf certificate, hex, colons optional, any case. */
  readonly fingerprintSha256?: string;
  /** PEM text of the CA certificate(s) to trust instead of the system roots. */
  readonly ca?: string;
  /** TCP plus TLS handshake budget; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Time to wait for response headers; default 60 s (vCenter tasks can be slow). */
  readonly headersTimeoutMs?: number;
  /** Longest pause between body chunks; default 60 s. */
  readonly bodyTimeoutMs?: number;
}

/** Defaults in milliseconds; exported so callers and docs agree. */
export const UPSTREAM_TIMEOUT_DEFAULTS = { connectTimeoutMs: 10_000, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000 } as const;

/**
 * A keep-alive undici Agent for HTTPS to one upstream with verification always on
 * (see createUpstreamConnector for the trust rules). Connection failures reject requests
 * with a ConnectorError (`CONN_TLS_FINGERPRINT`, `CONN_TLS_UNTRUSTED`, `CONN_UNREACHABLE`);
 * pass anything else `request()` throws (timeouts) through `mapUpstreamError`.
 * A request sent right after the previous answer ended reuses that connection (afterIdleTurn);
 * concurrent requests get their own. Close it with `await dispatcher.close()` when the
 * endpoint goes away.
 *
 * @throws ConnectorError `CONN_INVALID_REQUEST` for a malformed fingerprint or CA.
 */
export function createUpstreamDispatcher(options: UpstreamDispatcherOptions = {}): Agent {
  let pin: string | undefined;
  if (options.fingerprintSha256 !== undefined) {
    pin = normalizeFingerprint(options.fingerprintSha256);
    if (pin === undefined) {
      throw new ConnectorError('CONN_INVALID_REQUEST', 'the pinned fingerprint is not a SHA-256 fingerprint; give 64 hex digits, colons optional');
    }
  }
  if (options.ca !== undefined) assertPem(options.ca);
  const connectTimeoutMs = options.connectTimeoutMs ?? UPSTREAM_TIMEOUT_DEFAULTS.connectTimeoutMs;
  const agent = new Agent({
    connect: createUpstreamConnector({ fingerprintSha256: pin, ca: options.ca, connectTimeoutMs }),
    headersTimeout: options.headersTimeoutMs ?? UPSTREAM_TIMEOUT_DEFAULTS.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs ?? UPSTREAM_TIMEOUT_DEFAULTS.bodyTimeoutMs,
    // Keep connections warm between tool calls; undici also honours the server's keep-alive hint.
    keepAliveTimeout: 10_000,
  });
  // Sequential requests reuse the idle connection (after-idle-turn.ts). `compose` returns the
  // Agent behind a proxy that swaps only `dispatch`, so it still is that Agent (close, stats).
  return agent.compose(afterIdleTurn) as Agent;
}

// Node silently ignores a `ca` that is not PEM, which would fall back to "trust nothing"
// with a confusing error at connect time; fail early with a clear message instead.
function assertPem(ca: string): void {
  try {
    new X509Certificate(ca);
  } catch {
    throw new ConnectorError('CONN_INVALID_REQUEST', 'the CA file is not a PEM certificate; give the file that starts with -----BEGIN CERTIFICATE-----');
  }
}
