// An unlock reads the endpoint's CA file once: the password's binding (D198) is checked
// against those bytes and the login trusts their certificates (D195). A file swapped between
// two reads could otherwise be checked as one trust and logged in under another. The swap is
// made deterministic by a hook: the login adapter the broker calls rewrites the file before
// the real P6 login runs. Real parts: the P6 login, the TLS dispatcher, a local TLS server
// with its own test CA (startRawUpstream), openssl-made CAs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Endpoint } from '../../../src/base/contracts/endpoint.js';
import { P6UpstreamLogin } from '../../../src/platform/broker/logins/p6-upstream-login.js';
import { VsphereUpstreamLogin } from '../../../src/platform/broker/logins/vsphere-upstream-login.js';
import { Sessions } from '../../../src/platform/broker/sessions.js';
import { TokenDenied } from '../../../src/platform/broker/token-denied.js';
import type { UpstreamLogin } from '../../../src/platform/broker/upstream-login.js';
import { encodePassword } from '../../../src/platform/keychain/password-envelope.js';
import type { AuditInput } from '../../../src/platform/ports/audit-sink.js';
import { MemoryKeychain } from '../../mocks/memory-keychain.js';
import { ManualClock } from '../../mocks/manual-clock.js';
import { createTestPki, type TestPki } from '../../support/openssl-pki.js';
import { startRawUpstream, type RawUpstream } from '../../support/raw-upstream.js';

const PASSWORD = 'the-stored-P6-password';
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

describe('an unlock reads the CA file once (the binding and the login see one file)', () => {
  let server: RawUpstream;
  let other: TestPki;
  let dir: string;
  /** Every request the server received, with its body. */
  const seen: string[] = [];

  before(async () => {
    server = await startRawUpstream((req, res, body) => {
      seen.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(401).end();
    });
    other = createTestPki();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ca-once-'));
  });

  after(async () => {
    await server?.close();
    other?.remove();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Log in to the server with the password bound to `boundCa`; the file holds `boundCa` until the login adapter swaps in `swapped`. */
  async function loginWithSwap(kind: 'p6' | 'vsphere', boundCa: string, swapped: string): Promise<{ error: unknown; audit: AuditInput[] }> {
    const caFile = path.join(dir, `ca-${seen.length}-${crypto.randomUUID()}.pem`);
    fs.writeFileSync(caFile, boundCa);
    const endpoint: Endpoint = kind === 'p6'
      ? { id: 'pm', kind, url: `${server.origin}/p6ws/restapi`, username: 'planner', database: 'PMDB', loginVariant: 'headers', readOnly: false, tls: { verify: true, caFile }, credential: 'endpoint:pm' }
      : { id: 'pm', kind, url: `${server.origin}/sdk`, username: 'svc', readOnly: false, tls: { verify: true, caFile }, credential: 'endpoint:pm' };
    const keychain = new MemoryKeychain();
    keychain.items.set('endpoint:pm', encodePassword(PASSWORD, [{ origin: server.origin, ca: sha256(boundCa) }]));
    const real = kind === 'p6' ? new P6UpstreamLogin() : new VsphereUpstreamLogin();
    // The hook: between the binding's check and the login, the file changes (malware running as the user).
    const swapping: UpstreamLogin = {
      login: (e, password, ca) => {
        fs.writeFileSync(caFile, swapped);
        return real.login(e, password, ca);
      },
      logout: (e, s) => real.logout(e, s),
    };
    const audit: AuditInput[] = [];
    const clock = new ManualClock();
    const sessions = new Sessions({ logins: { p6: swapping, vsphere: swapping }, keychain, clock, audit: { append: (r) => void audit.push(r) } });
    let error: unknown;
    try {
      await sessions.login(endpoint, 'once', clock.now() + 60_000);
    } catch (e) {
      error = e;
    }
    sessions.dispose();
    return { error, audit };
  }

  for (const kind of ['p6', 'vsphere'] as const) {
    it(`${kind}: a CA swapped in after the check is not trusted: the password does not go to the server only it proves`, async () => {
      const before = seen.length;
      // Bound to another CA; the attacker's CA (the one that proves this server) is swapped in after the check.
      const { error } = await loginWithSwap(kind, other.ca.cert, server.caPem);
      assert.ok(error instanceof TokenDenied && error.code === 'unreachable' && /not trusted/.test(error.message), `the TLS check fails against the checked CA: ${String(error)}`);
      assert.deepEqual(seen.slice(before), [], 'nothing reached the server: no password');
    });
  }

  it('vsphere: the CA that was checked is the one the login trusts, even when the file is swapped for another', async () => {
    const before = seen.length;
    await loginWithSwap('vsphere', server.caPem, other.ca.cert);
    assert.match(seen[before] ?? '', /^POST \/sdk/, 'the login reached the server it was bound for');
  });

  it('p6: the CA that was checked is the one the login trusts, even when the file is swapped for another', async () => {
    const before = seen.length;
    const { error } = await loginWithSwap('p6', server.caPem, other.ca.cert);
    assert.ok(error instanceof TokenDenied && error.code === 'login_failed', `the login reached the server it was bound for (which says 401): ${String(error)}`);
    assert.equal(seen.length - before, 1, 'one login request');
    assert.match(seen.at(-1)!, /^POST \/p6ws\/restapi\/login/, 'the login');
  });
});
