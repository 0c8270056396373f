import { p6Login } from '../../connectors/p6/session/index.js';
import { createUpstreamDispatcher } from '../../connectors/tls/index.js';
import { P6LoginVariant } from '../../base/contracts/endpoint.js';
import { requireEnv, StandaloneTokens } from '../runtime/toolkit/index.js';
import { P6ToolError } from './p6-tool-error.js';

/** The endpoint name tools use in `--stdio` development mode. */
export const STANDALONE_ENDPOINT = 'p6';
/** P6 sessions idle out after about an hour; renewal on 401 covers an earlier end. */
const SESSION_MS = 55 * 60 * 1000;

/**
 * Development mode (`--stdio`): the toolkit's StandaloneTokens logging in with P6_URL,
 * P6_USER, P6_PASSWORD, P6_DATABASE and optional P6_FINGERPRINT / P6_LOGIN_VARIANT. Under
 * KeyBroker the broker does this instead and the password never reaches the server. A
 * refused login is never retried: every attempt counts toward P6's lockout (reference §2.1).
 * Throws StandaloneEnvError when a variable is missing.
 */
export function createStandaloneTokens(env: NodeJS.ProcessEnv = process.env): StandaloneTokens {
  const given = requireEnv(env, ['P6_URL', 'P6_USER', 'P6_PASSWORD', 'P6_DATABASE']);
  const { P6_URL: url, P6_USER: username, P6_PASSWORD: password, P6_DATABASE: database } = given;
  const fingerprintSha256 = env['P6_FINGERPRINT'] || undefined;
  const variant = P6LoginVariant.parse(env['P6_LOGIN_VARIANT'] || 'headers');
  // Security: keep the password out of the environment that child processes or crash dumps would see.
  delete env['P6_PASSWORD'];
  const dispatcher = createUpstreamDispatcher({ fingerprintSha256 });
  return new StandaloneTokens({
    endpoint: STANDALONE_ENDPOINT,
    upstream: { url, fingerprintSha256, database, username },
    login: async () => ({ token: (await p6Login({ baseUrl: url, database, username, password, variant, dispatcher })).cookieHeader }),
    close: () => dispatcher.close(),
    sessionMs: SESSION_MS,
    otherEndpoint: () => new P6ToolError('P6_NO_ENDPOINT', `in --stdio mode the only endpoint is "${STANDALONE_ENDPOINT}"`),
    rememberRefusal: true,
  });
}
