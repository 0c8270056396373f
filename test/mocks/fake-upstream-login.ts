import type { Endpoint } from '../../src/base/contracts/endpoint.js';
import { UpstreamLoginError, type UpstreamLogin, type UpstreamSession } from '../../src/platform/broker/upstream-login.js';

/**
 * An UpstreamLogin that accepts one password and counts calls; for broker unit tests.
 * Real logins against vcsim and the P6 fake are tested in their own suites.
 */
export class FakeUpstreamLogin implements UpstreamLogin {
  logins = 0;
  logouts: string[] = [];
  private n = 0;
  /** Resolve logins only when the test says so (to race a lock against a login). */
  gate: Promise<void> | undefined;
  /** Finish logouts only when the test says so (to see who waits for them). */
  logoutGate: Promise<void> | undefined;
  /** Make every logout fail, as an unreachable upstream does. */
  failLogouts = false;
  /** Also hand out a vAPI REST session id (vSphere tags), as VsphereUpstreamLogin does. */
  withRestToken = false;

  constructor(private readonly password: string, private readonly unreachable = false) {}

  async login(endpoint: Endpoint, password: string): Promise<UpstreamSession> {
    this.logins++;
    if (this.gate) await this.gate;
    if (this.unreachable) throw new UpstreamLoginError('unreachable', `cannot reach ${endpoint.url}; check the network`);
    if (password !== this.password) throw new UpstreamLoginError('login_failed', `${endpoint.id} rejected the username or password`);
    const n = ++this.n;
    return this.withRestToken ? { token: `tok-${endpoint.id}-${n}`, restToken: `api-${endpoint.id}-${n}` } : { token: `tok-${endpoint.id}-${n}` };
  }

  async logout(endpoint: Endpoint, session: UpstreamSession): Promise<void> {
    if (this.logoutGate) await this.logoutGate;
    if (this.failLogouts) throw new UpstreamLoginError('unreachable', `cannot reach ${endpoint.url}; check the network`);
    this.logouts.push(session.token);
  }
}
