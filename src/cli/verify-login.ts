import type { Endpoint } from '../base/contracts/endpoint.js';
import { UpstreamLoginError } from '../platform/broker/upstream-login.js';
import { CliError } from './cli-error.js';
import type { CliContext } from './command.js';
import { toOneLine } from './format/one-line.js';
import { loginTestReason } from './login-test-reason.js';
import { openLogins } from './services.js';

/**
 * Log in to `endpoint` with `password` and log straight out again, so a wrong password,
 * fingerprint or host is reported while the user is still at the keyboard rather than after
 * the first approval (issue 16). No consent prompt: the user is the one typing the password,
 * and the CLI talks to the upstream directly with the broker's own login adapters.
 *
 * Throws a CliError (exit 1) that says nothing was saved; the caller stores nothing until
 * this resolves. Security: the password is used for this one login only and never printed;
 * the login adapters' messages are already secret-free.
 */
export async function verifyLogin(ctx: CliContext, endpoint: Endpoint, password: string): Promise<void> {
  const login = (await openLogins(ctx))[endpoint.kind];
  let session;
  try {
    session = await login.login(endpoint, password);
  } catch (e) {
    const why = e instanceof UpstreamLoginError ? e.message : `unexpected error (${(e as Error)?.message ?? String(e)})`;
    throw new CliError(`login test of ${endpoint.id} failed, nothing was saved: ${loginTestReason(why)}`);
  }
  try {
    await login.logout(endpoint, session);
  } catch (e) {
    // The password is right, which is what we tested; the session times out upstream on its own.
    ctx.stderr.write(`keybroker endpoint: warning: login test passed but logout failed (${toOneLine((e as Error)?.message ?? String(e), 200)}); the test session will time out upstream\n`);
  }
}
