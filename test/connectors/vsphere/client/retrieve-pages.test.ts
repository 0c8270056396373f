// Token paging, cleanup, renewal and retries against a scripted vim25 endpoint (undici
// MockAgent). vcsim 0.24.2 ignores maxObjects and never returns a token, so the
// ContinueRetrievePropertiesEx path is exercised here with the wire format of reference §4.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { VsphereClient } from '../../../../src/connectors/vsphere/client/vsphere-client.js';
import { isConnectorError } from '../../../../src/connectors/connector-error.js';

const URL_ = 'https://vc.test/sdk';
const NS = 'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
const envelope = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope ${NS}><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const ok = (method: string, inner = '') => ({ statusCode: 200, data: envelope(`<${method}Response xmlns="urn:vim25">${inner}</${method}Response>`) });
const fault = (type: string) => ({ statusCode: 500, data: envelope(`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring></faultstring><detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}"/></detail></soapenv:Fault>`) });
const vm = (i: number, extra = '') => `<objects><obj type="VirtualMachine">vm-${i}</obj><propSet><name>name</name><val xsi:type="xsd:string">VM${i}</val></propSet>${extra}</objects>`;
const page = (from: number, to: number, token?: string, extra = '') => `<returnval>${token ? `<token>${token}</token>` : ''}${Array.from({ length: to - from }, (_, k) => vm(from + k, extra)).join('')}</returnval>`;
const SERVICE_CONTENT = '<returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">propertyCollector</propertyCollector><viewManager type="ViewManager">ViewManager</viewManager><sessionManager type="SessionManager">SessionManager</sessionManager><about><name>VMware vCenter Server</name><apiVersion>8.0.2.0</apiVersion></about></returnval>';

interface Call { method: string; body: string; cookie: string | undefined }

describe('VsphereClient.retrievePages() with server-side paging', () => {
  let agent: MockAgent;
  let calls: Call[];
  let respond: (call: Call) => { statusCode: number; data: string };

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    calls = [];
    respond = (c) => {
      switch (c.method) {
        case 'RetrieveServiceContent': return ok(c.method, SERVICE_CONTENT);
        case 'CreateContainerView': return ok(c.method, '<returnval type="ContainerView">session[1]view-1</returnval>');
        case 'RetrievePropertiesEx': return ok(c.method, page(0, 2, 'tok-1'));
        // An unset property in a continued page comes as a propSet without val (vcsim).
        case 'ContinueRetrievePropertiesEx': return c.body.includes('tok-1') ? ok(c.method, page(2, 4, 'tok-2', '<propSet><name>guest.ipAddress</name></propSet>')) : ok(c.method, page(4, 5));
        default: return ok(c.method);
      }
    };
    agent.get('https://vc.test').intercept({ path: '/sdk', method: 'POST' }).reply((opts) => {
      const body = String(opts.body);
      const method = /<soapenv:Body><([A-Za-z_]+)/.exec(body)?.[1] ?? '?';
      const headers = opts.headers as Record<string, string>;
      const call = { method, body, cookie: headers['cookie'] };
      calls.push(call);
      return respond(call);
    }).persist();
  });
  afterEach(() => agent.close());

  const client = (renew: (stale: string) => Promise<string> = async () => 'renewed') => {
    let cookie = 'c1';
    return new VsphereClient({ url: URL_, dispatcher: agent, session: { token: async () => cookie, renew: async (s) => (cookie = await renew(s)) } });
  };

  it('follows tokens until none comes back, with maxObjects, and destroys the view', async () => {
    const pages: string[][] = [];
    for await (const p of client().retrievePages({ type: 'VirtualMachine', paths: ['name', 'guest.ipAddress'], maxObjects: 2 })) {
      pages.push(p.map((o) => String(o.props['name'])));
      assert.ok(p.every((o) => !('guest.ipAddress' in o.props)), 'a propSet without val is an unset property');
    }
    assert.deepEqual(pages, [['VM0', 'VM1'], ['VM2', 'VM3'], ['VM4']]);
    assert.deepEqual(calls.map((c) => c.method), ['RetrieveServiceContent', 'CreateContainerView', 'RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'DestroyView']);
    assert.match(calls[2]!.body, /<maxObjects>2<\/maxObjects>/);
    assert.match(calls[2]!.body, /<selectSet xsi:type="TraversalSpec">/);
    assert.ok(calls.slice(1).every((c) => c.cookie === 'vmware_soap_session=c1'), 'every call after the first sends the session cookie');
  });

  it('cancels the unread rest and destroys the view when the caller stops early', async () => {
    for await (const p of client().retrievePages({ type: 'VirtualMachine', paths: ['name'] })) {
      assert.equal(p.length, 2);
      break;
    }
    assert.deepEqual(calls.slice(-2).map((c) => c.method), ['CancelRetrievePropertiesEx', 'DestroyView']);
    assert.match(calls.at(-2)!.body, /<token>tok-1<\/token>/);
  });

  it('handles an answer without returnval as an empty result', async () => {
    const inner = respond;
    respond = (c) => (c.method === 'RetrievePropertiesEx' ? ok(c.method) : inner(c));
    const pages = [];
    for await (const p of client().retrievePages({ type: 'VirtualMachine', paths: ['name'] })) pages.push(p);
    assert.deepEqual(pages, []);
  });

  it('renews the session once on NotAuthenticated and retries with the new cookie', async () => {
    const inner = respond;
    respond = (c) => (c.method === 'CreateContainerView' && c.cookie === 'vmware_soap_session=c1' ? fault('NotAuthenticated') : inner(c));
    const stale: string[] = [];
    const pages = [];
    for await (const p of client(async (s) => { stale.push(s); return 'c2'; }).retrievePages({ type: 'VirtualMachine', paths: ['name'] })) pages.push(p);
    assert.equal(pages.length, 3);
    assert.deepEqual(stale, ['c1']);
    assert.equal(calls.filter((c) => c.method === 'CreateContainerView').length, 2);
  });

  it('retries an idempotent read once after a connection reset, and never a task method', async () => {
    let resets = 0;
    const inner = respond;
    respond = (c) => {
      if ((c.method === 'RetrievePropertiesEx' || c.method === 'PowerOffVM_Task') && resets++ % 2 === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return inner(c);
    };
    const c = client();
    assert.equal((await c.retrieveObjects([{ type: 'VirtualMachine', value: 'vm-0' }], ['name'])).length, 5);
    assert.equal(calls.filter((x) => x.method === 'RetrievePropertiesEx').length, 2, 'sent again after the reset');
    resets = 0;
    await assert.rejects(c.invoke('PowerOffVM_Task', { type: 'VirtualMachine', value: 'vm-0' }), (e: unknown) => isConnectorError(e) && e.code === 'CONN_UNREACHABLE');
    assert.equal(calls.filter((x) => x.method === 'PowerOffVM_Task').length, 1);
  });
});
