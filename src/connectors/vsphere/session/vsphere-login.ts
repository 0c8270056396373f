import type { Dispatcher } from 'undici';
import { ConnectorError } from '../../connector-error.js';
import { SESSION_TIMEOUT_MS, withUpstreamDeadline } from '../../upstream-deadline.js';
import { retrieveServiceContent, type ServiceContent } from '../soap/retrieve-service-content.js';
import { readSessionCookie } from '../soap/session-cookie.js';
import { soapCall } from '../soap/soap-call.js';
import { xmlElement } from '../soap/soap-envelope.js';
import { childElement, childText } from '../soap/soap-xml.js';

/** Input of vsphereLogin. */
export interface VsphereLoginOptions {
  readonly url: string;
  readonly username: string;
  /** Used for this one request and dropped; never logged, never in an error. */
  readonly password: string;
  readonly dispatcher: Dispatcher;
  /** Reuse a ServiceContent already fetched from this URL and skip that round trip. */
  readonly serviceContent?: ServiceContent;
  readonly locale?: string;
  readonly signal?: AbortSignal;
  /** The whole login (the ServiceContent read too), answers in whole; default {@link SESSION_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** A logged-in vim25 session. */
export interface VsphereSession {
  /**
   * The `vmware_soap_session` value exactly as received (quoted on vCenter, bare on
   * vcsim); present it as `Cookie: vmware_soap_session=<cookie>`. A secret.
   */
  readonly cookie: string;
  readonly userName: string;
  /** UserSession key. On vcsim it equals the cookie value, so treat it as a secret too. */
  readonly key: string;
  readonly serviceContent: ServiceContent;
}

/**
 * `SessionManager.Login`. Sent exactly once: a failed login is never retried, because
 * upstream directories lock accounts after a few failures. No cookie is sent, since
 * vcsim answers InvalidLogin to a Login made inside a live session (reference §3).
 *
 * @throws ConnectorError CONN_LOGIN_FAILED for wrong credentials, CONN_INVALID_REQUEST for
 * empty ones (no request is made), CONN_BAD_RESPONSE when no session cookie comes back,
 * CONN_TIMEOUT when the answers are not in whole within the deadline (a server that stalls
 * or trickles holds the broker's token issue no longer), and transport codes from the
 * dispatcher. No message or cause contains the password.
 */
export async function vsphereLogin(options: VsphereLoginOptions): Promise<VsphereSession> {
  if (options.username === '' || options.password === '') {
    throw new ConnectorError('CONN_INVALID_REQUEST', 'the vSphere username or password is empty; set both on the endpoint');
  }
  const timeoutMs = options.timeoutMs ?? SESSION_TIMEOUT_MS;
  const timedOut = (cause: unknown) => new ConnectorError('CONN_TIMEOUT', `vCenter at ${new URL(options.url).origin} did not answer the login within ${timeoutMs} ms; check that it is healthy, then retry`, { cause });
  return withUpstreamDeadline(timeoutMs, options.signal, timedOut, (signal) => login(options, signal));
}

async function login(options: VsphereLoginOptions, signal: AbortSignal): Promise<VsphereSession> {
  const serviceContent = options.serviceContent ?? (await retrieveServiceContent(options.url, options.dispatcher, { signal }));
  const params =
    xmlElement('userName', options.username) +
    xmlElement('password', options.password) +
    (options.locale !== undefined ? xmlElement('locale', options.locale) : '');
  const { response, setCookie } = await soapCall({
    url: options.url,
    dispatcher: options.dispatcher,
    apiVersion: serviceContent.apiVersion,
    method: 'Login',
    thisRef: serviceContent.sessionManager,
    paramsXml: params,
    // Security: the request carries the password, so server text stays out of errors.
    sensitive: true,
    signal,
  });
  const origin = new URL(options.url).origin;
  const cookie = readSessionCookie(setCookie);
  const session = childElement(response, 'returnval');
  const key = session && childText(session, 'key');
  if (cookie === undefined || !key) {
    throw new ConnectorError('CONN_BAD_RESPONSE', `vCenter at ${origin} accepted the login but sent no vmware_soap_session cookie; check for a proxy that strips cookies`);
  }
  return { cookie, userName: (session && childText(session, 'userName')) || options.username, key, serviceContent };
}
