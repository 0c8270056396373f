import type { Endpoint } from '../../base/contracts/endpoint.js';
import type { CaText } from '../config/read-ca-file.js';

/** A live upstream session: the only thing a child ever receives. */
export interface UpstreamSession {
  /** vSphere: the `vmware_soap_session` cookie value; P6: the Cookie header. Never logged. */
  readonly token: string;
  /** vSphere only: a vAPI REST session (`vmware-api-session-id`) made with the same login, for tags. Never logged. */
  readonly restToken?: string;
}

/** Why an upstream login failed, in the token protocol's terms. */
export type LoginFailure = 'login_failed' | 'unreachable';

/** A login failure with a one-line, secret-free message for the user. */
export class UpstreamLoginError extends Error {
  override readonly name = 'UpstreamLoginError' as const;
  constructor(readonly reason: LoginFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Logs in to and out of one kind of upstream. The broker is its only caller, and the
 * password lives only for the duration of `login` (DESIGN.md "Session").
 * Implementations wrap `connectors/<kind>/session` and never retry a failed login.
 */
export interface UpstreamLogin {
  /**
   * `caFile`: the endpoint's CA file as the broker read it to check the password's binding
   * (D198); a login trusts the certificates of these bytes, never a second read of the file,
   * so the trust it uses is the trust the password is bound to. Absent: no CA file, or a
   * caller that did not read it (the login then reads it).
   */
  login(endpoint: Endpoint, password: string, caFile?: CaText): Promise<UpstreamSession>;
  /** Best effort: an already-dead session is not an error. */
  logout(endpoint: Endpoint, session: UpstreamSession): Promise<void>;
  /**
   * Whether `session` still lives upstream, by one cheap read with no side effect; false only
   * when the upstream says it is dead (throws when it cannot tell). Absent for kinds without
   * such a check (P6: D232).
   */
  isAlive?(endpoint: Endpoint, session: UpstreamSession): Promise<boolean>;
}
