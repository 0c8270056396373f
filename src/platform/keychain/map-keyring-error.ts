import type { CoreError } from '../../base/errors/core-error.js';
import { KeychainError, type KeychainOperation } from './keychain-error.js';
import { KeychainUnavailableError } from './keychain-unavailable-error.js';

/** What was being done when `@napi-rs/keyring` failed; the secret only so it can be scrubbed. */
export interface KeyringErrorContext {
  /** The operation that failed. */
  readonly operation: KeychainOperation;
  /** The credential id (keychain account); not a secret. */
  readonly account: string;
  /** The secret being stored, if any: removed from every message we keep. */
  readonly secret?: string;
  /** Whose advice the message gives; defaults to this machine's. */
  readonly platform?: NodeJS.Platform;
}

const REDACTED = '[redacted]';

/** `text` with every occurrence of `secret` replaced; a no-op without a secret. */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join(REDACTED) : text;
}

function messageChain(err: unknown): string[] {
  // Stryker disable next-line ArrayDeclaration: an extra starting element without the secret changes no answer.
  const out: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) out.push(e.message);
  return out;
}

/**
 * Turn an error thrown by `@napi-rs/keyring` into one of our coded errors.
 *
 * The library gives every failure the code `GenericFailure`; only its message (the
 * Display text of keyring-core's error) tells the kinds apart, so we match its stable
 * prefixes. Observed on Linux (Secret Service store):
 * - `Platform failure: DBus error: Failed to connect to socket ...` (no bus),
 *   `... The name org.freedesktop.secrets was not provided by any .service files` (no provider);
 * - `Couldn't access platform storage: Secret Service: unlock prompt was dismissed` (locked),
 *   `... Secret Service: no result found` (no default collection to write to).
 */
export function mapKeyringError(err: unknown, ctx: KeyringErrorContext): CoreError {
  const raw = err instanceof Error ? err.message : String(err);
  // Security: keyring-core does not echo secrets today, but a future version or another
  // platform store might; scrub the message and drop a cause that carries the secret.
  const detail = redactSecret(raw, ctx.secret).replace(/\s+/g, ' ').trim();
  const leaks = ctx.secret !== undefined && ctx.secret !== '' && messageChain(err).some((m) => m.includes(ctx.secret as string));
  const cause = leaks ? new Error(detail) : err;
  const platform = ctx.platform ?? process.platform;

  if (raw.startsWith("Couldn't access platform storage")) {
    const reason = /locked|prompt/i.test(raw) ? 'locked' : 'unreachable';
    return new KeychainUnavailableError(reason, detail, { cause, platform });
  }
  if (raw.startsWith('Platform failure') || raw.startsWith('No default store')) {
    return new KeychainUnavailableError('unreachable', detail, { cause, platform });
  }
  return new KeychainError(ctx.operation, ctx.account, detail, { cause });
}
