import type { Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { SESSION_TIMEOUT_MS, withUpstreamDeadline } from '../../upstream-deadline.js';
import { vsphereSessionIsActive } from '../client/vsphere-current-session.js';

/** Input of vsphereSessionAlive. */
export interface VsphereSessionAliveOptions {
  readonly url: string;
  /** The `vmware_soap_session` value from vsphereLogin. A secret, never logged. */
  readonly cookie: string;
  readonly dispatcher: Dispatcher;
  /** The whole check (the ServiceContent read too); default {@link SESSION_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/**
 * Whether the session of `cookie` still lives in vCenter: one read of SessionManager's
 * `currentSession` (no login, no change upstream), for the broker to tell a second real 401
 * within the re-login window from a renew storm (D232).
 *
 * @throws ConnectorError when vCenter cannot tell (transport codes, CONN_FAULT, CONN_TIMEOUT):
 * the caller must then not assume the session is dead.
 */
export async function vsphereSessionAlive(options: VsphereSessionAliveOptions): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? SESSION_TIMEOUT_MS;
  const timedOut = (cause: unknown) => new ConnectorError('CONN_TIMEOUT', `vCenter at ${new URL(options.url).origin} did not answer the session check within ${timeoutMs} ms`, { cause });
  return withUpstreamDeadline(timeoutMs, undefined, timedOut, (signal) => vsphereSessionIsActive({ url: options.url, cookie: options.cookie, dispatcher: options.dispatcher, signal }));
}
