// One budget for the whole vSphere login (D167): the vim25 login and then the vAPI
// login each had a 60 s deadline of their own, so a vCenter that answered the first and held
// the second kept a token request (and the user) waiting 120 s. Against a real local HTTPS
// server that answers RetrieveServiceContent and Login and holds the vAPI login: the clock the
// test gives the login jumps when the server sees Login (the vim25 login "took" that long), so
// no test waits and nothing asserts a wall-clock time. Without the budget the held vAPI login
// runs to its own 60 s and the test hangs to its 20 s timeout. The logout ends both sessions
// at once, each within the budget: a held vAPI logout held the vim25 one back for 60 s.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Endpoint } from '../../../../src/base/contracts/endpoint.js';
import { VsphereUpstreamLogin } from '../../../../src/platform/broker/logins/vsphere-upstream-login.js';
import { UpstreamLoginError } from '../../../../src/platform/broker/upstream-login.js';
import { startRawUpstream, type RawUpstream } from '../../../support/raw-upstream.js';
import { until } from '../../../support/wait.js';

const HANG = { timeout: 20_000 };
const PASSWORD = 'budget-test-pw-8c31';
const VAPI_LOGIN = 'POST /rest/com/vmware/cis/session';
const VAPI_LOGOUT = 'DELETE /rest/com/vmware/cis/session';

const envelope = (body: string) =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const SERVICE_CONTENT =
  '<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder>' +
  '<propertyCollector type="PropertyCollector">propertyCollector</propertyCollector><sessionManager type="SessionManager">SessionManager</sessionManager>' +
  '<about><name>VMware vCenter Server</name><apiVersion>8.0.2.0</apiVersion></about></returnval></RetrieveServiceContentResponse>';
const LOGIN = '<LoginResponse xmlns="urn:vim25"><returnval><key>session-key-1</key><userName>admin</userName></returnval></LoginResponse>';

describe('VsphereUpstreamLogin: one budget for the whole login', () => {
  let upstream: RawUpstream;
  let folder: string;
  let endpoint: Endpoint;
  /** The login's clock (ms); the server moves it on when it sees Login. */
  let clock: number;
  /** How long the vim25 Login "takes", by the login's clock. */
  let loginTakes: number;
  /** What the server does with the vAPI login and the vim25 Login. */
  let vapi: 'answer' | 'hold';
  let holdLogin: boolean;
  /** The held vAPI login's or logout's connection closing, and its answer (to end it from the server's side). */
  let vapiClosed: Promise<void> | undefined;
  let vapiHeld: ServerResponse | undefined;
  let holdLogout: boolean;
  /** SOAP methods the server saw, in order. */
  let soapSeen: string[];

  before(async () => {
    upstream = await startRawUpstream((req, res: ServerResponse, body) => {
      const method = /<soapenv:Body><([A-Za-z]+)/.exec(body)?.[1];
      if (method) soapSeen.push(method);
      if (req.url === '/sdk' && method === 'RetrieveServiceContent') return void res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(envelope(SERVICE_CONTENT));
      if (req.url === '/sdk' && method === 'Login') {
        clock += loginTakes;
        if (holdLogin) return;
        return void res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'set-cookie': 'vmware_soap_session="52c4-budget"; Path=/; HttpOnly' }).end(envelope(LOGIN));
      }
      if (req.url === '/sdk' && method === 'Logout') {
        if (holdLogout) return;
        return void res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(envelope('<LogoutResponse xmlns="urn:vim25"></LogoutResponse>'));
      }
      const call = `${req.method} ${req.url}`;
      if (call === VAPI_LOGIN || call === VAPI_LOGOUT) {
        if (vapi === 'answer') return void res.writeHead(200, { 'content-type': 'application/json' }).end(call === VAPI_LOGIN ? '{"value":"vapi-session-1"}' : '');
        // Held: the connection stays until the client gives up (or the test ends it).
        vapiHeld = res;
        vapiClosed = new Promise((resolve) => res.once('close', () => resolve()));
        return;
      }
      res.writeHead(404).end();
    });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-login-budget-'));
    fs.writeFileSync(path.join(folder, 'ca.pem'), upstream.caPem);
    endpoint = { id: 'vc1', kind: 'vsphere', url: upstream.url, username: 'admin', readOnly: false, tls: { verify: true, caFile: path.join(folder, 'ca.pem') }, credential: 'endpoint:vc1' };
  });
  after(async () => {
    await upstream?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });
  beforeEach(() => {
    // Not 0, so a budget counted from the wrong end shows.
    clock = 1_000_000;
    loginTakes = 0;
    vapi = 'answer';
    holdLogin = false;
    holdLogout = false;
    vapiClosed = undefined;
    vapiHeld = undefined;
    soapSeen = [];
  });

  const login = (budgetMs: number) => new VsphereUpstreamLogin({ budgetMs, now: () => clock }).login(endpoint, PASSWORD);
  const vapiLogins = () => upstream.received.filter((r) => r === VAPI_LOGIN).length;

  it('gives both sessions when both logins answer within the budget (the default clock and budget)', HANG, async () => {
    assert.deepEqual(await new VsphereUpstreamLogin().login(endpoint, PASSWORD), { token: '"52c4-budget"', restToken: 'vapi-session-1' });
  });

  it('ends a held vAPI login with what the vim25 login left: the vim25 session alone, the held request aborted', HANG, async () => {
    vapi = 'hold';
    // The vim25 login took 59.7 s of 60: the vAPI login gets 300 ms, not another 60 s.
    loginTakes = 59_700;
    const before = vapiLogins();
    assert.deepEqual(await login(60_000), { token: '"52c4-budget"' });
    assert.equal(vapiLogins() - before, 1, 'the vAPI login was sent');
    // The server's side: its connection closed, the request aborted at the budget.
    assert.ok(vapiClosed, 'the server held the vAPI login');
    await vapiClosed;
  });

  it('does not send the vAPI login when the vim25 login spent the whole budget', HANG, async () => {
    loginTakes = 60_000;
    const before = vapiLogins();
    assert.deepEqual(await login(60_000), { token: '"52c4-budget"' });
    assert.equal(vapiLogins() - before, 0);
  });

  it('bounds the vim25 login by the budget too: a held Login fails as unreachable, naming the budget', HANG, async () => {
    holdLogin = true;
    await assert.rejects(login(300), (e: unknown) => {
      assert.ok(e instanceof UpstreamLoginError, String(e));
      assert.equal(e.reason, 'unreachable');
      assert.match(e.message, /^vCenter at https:\/\/127\.0\.0\.1:\d+ did not answer the login within 300 ms; check that it is healthy, then retry$/);
      assert.ok(!e.message.includes(PASSWORD), 'the error never holds the password');
      return true;
    });
  });

  const logout = (budgetMs?: number) => new VsphereUpstreamLogin({ ...(budgetMs !== undefined && { budgetMs }), now: () => clock }).logout(endpoint, { token: '"52c4-budget"', restToken: 'vapi-session-1' });

  it('logs out of the vim25 session while the vAPI logout is held: both at once, not one after the other', HANG, async () => {
    vapi = 'hold';
    // The default budget (60 s): only sending both at once lets the vim25 Logout arrive now.
    const done = logout();
    await until('the vim25 Logout arrives while the vAPI logout is held', () => soapSeen.includes('Logout') && vapiHeld !== undefined);
    // The server gives up on the held vAPI logout; that failure is not the logout's.
    vapiHeld!.destroy();
    await done;
  });

  it('ends a held vAPI logout at the budget, and the logout succeeds with the vim25 one', HANG, async () => {
    vapi = 'hold';
    // The vim25 logout must succeed within the same budget: 5 s, not 300 ms, so a loaded machine
    // (a local TLS round trip took over 300 ms at load 33) does not fail it. The test waits the 5 s.
    await logout(5_000);
    assert.ok(vapiClosed, 'the server held the vAPI logout');
    await vapiClosed;
  });

  it('sends no vAPI logout for a session without one (an ESXi host)', HANG, async () => {
    const before = upstream.received.filter((r) => r === VAPI_LOGOUT).length;
    // The default budget: nothing is held, and the vim25 logout must succeed however loaded the machine.
    await new VsphereUpstreamLogin().logout(endpoint, { token: '"52c4-budget"' });
    assert.ok(soapSeen.includes('Logout'), 'the vim25 Logout was sent');
    assert.equal(upstream.received.filter((r) => r === VAPI_LOGOUT).length - before, 0);
  });

  it('fails a held vim25 logout at the budget, naming it', HANG, async () => {
    holdLogout = true;
    await assert.rejects(logout(300), (e: unknown) => {
      assert.equal((e as { code?: unknown }).code, 'CONN_TIMEOUT', String(e));
      assert.match((e as Error).message, /^vCenter at https:\/\/127\.0\.0\.1:\d+ did not answer the logout within 300 ms; the session ends by itself when it idles out$/);
      return true;
    });
  });
});
