import { p6Login } from '../../connectors/p6/session/index.js';
import { createUpstreamDispatcher } from '../../connectors/tls/index.js';
import { P6LoginVariant } from '../../base/contracts/endpoint.js';
import type { TokenGrant } from '../../base/contracts/token-protocol.js';
import { Emitter } from '../../base/events/emitter.js';
import type { TokenSource } from '../runtime/token-source.js';
import { P6ToolError } from './p6-tool-error.js';

/** The endpoint name tools use in `--stdio` development mode. */
export const STANDALONE_ENDPOINT = 'p6';
/** P6 sessions idle out after about an hour; renewal on 401 covers an earlier end. */
const SESSION_MS = 55 * 60 * 1000;

/**
 * Development mode (`--stdio`): log in with P6_URL, P6_USER, P6_PASSWORD, P6_DATABASE and
 * optional P6_FINGERPRINT / P6_LOGIN_VARIANT. Under KeyBroker the broker does this instead
 * and the password never reaches the server. A refused login is never retried: every
 * attempt counts toward P6's lockout (reference §2.1).
 */
export function standaloneP6Tokens(env: NodeJS.ProcessEnv = process.env): TokenSource {
  const missing = ['P6_URL', 'P6_USER', 'P6_PASSWORD', 'P6_DATABASE'].filter((n) => !env[n]);
  if (missing.length) {
    process.stderr.write(`p6: --stdio needs ${missing.join(', ')} in the environment\n`);
    process.exit(2);
  }
  const url = env['P6_URL']!;
  const username = env['P6_USER']!;
  const password = env['P6_PASSWORD']!;
  const database = env['P6_DATABASE']!;
  const fingerprintSha256 = env['P6_FINGERPRINT'] || undefined;
  const variant = P6LoginVariant.parse(env['P6_LOGIN_VARIANT'] || 'headers');
  // Security: keep the password out of the environment that child processes or crash dumps would see.
  delete env['P6_PASSWORD'];
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256 });
  const onDidRevoke = new Emitter<string>();
  let current: TokenGrant | undefined;
  let inflight: Promise<TokenGrant> | undefined;
  let refused: Error | undefined;
  let n = 0;

  const login = (): Promise<TokenGrant> => {
    if (refused) return Promise.reject(refused);
    inflight ??= p6Login({ baseUrl: url, database, username, password, variant, dispatcher })
      .then((s) => {
        current = { ch: 'broker', t: 'token.grant', id: `s${++n}`, endpoint: STANDALONE_ENDPOINT, token: s.cookieHeader, expiresAt: Date.now() + SESSION_MS, upstream: { url, fingerprintSha256, database, username } };
        return current;
      })
      .catch((e: unknown) => {
        if ((e as { code?: string }).code === 'CONN_LOGIN_FAILED') refused = e as Error;
        throw e;
      })
      .finally(() => (inflight = undefined));
    return inflight;
  };
  const check = (endpoint: string) => {
    if (endpoint !== STANDALONE_ENDPOINT) throw new P6ToolError('P6_NO_ENDPOINT', `in --stdio mode the only endpoint is "${STANDALONE_ENDPOINT}"`);
  };
  return {
    get: async (endpoint) => {
      check(endpoint);
      return current && current.expiresAt > Date.now() ? current : login();
    },
    renew: async (endpoint, stale) => {
      check(endpoint);
      return current && current.token !== stale ? current : login();
    },
    onDidRevoke: onDidRevoke.event,
    // One P6 from the environment; no consent in development mode, so never "locked".
    listEndpoints: async () => [{ name: STANDALONE_ENDPOINT, host: new URL(url).host, readOnly: false, state: 'unlocked' as const }],
  };
}
