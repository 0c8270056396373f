import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { soapCall } from '../../../../src/connectors/vsphere/soap/soap-call.js';
import { startFakeVcenter, type FakeVcenter, type FakeVcenterRequest } from '../../../support/fake-vcenter.js';

/** What the fake answers next: status, body and extra headers. */
type Reply = { status: number; body: string | Buffer; headers?: Record<string, string> };

const SOAP_OK =
  '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soapenv:Body><CurrentTimeResponse xmlns="urn:vim25"><returnval>2026-01-01T00:00:00Z</returnval></CurrentTimeResponse></soapenv:Body></soapenv:Envelope>';

describe('soapCall()', () => {
  let fake: FakeVcenter;
  let reply: Reply;
  const seen: FakeVcenterRequest[] = [];
  const call = (extra: { cookie?: string } = {}) =>
    soapCall({ url: fake.url, dispatcher: fake.dispatcher, apiVersion: '8.0.2.0', method: 'CurrentTime', thisRef: { type: 'ServiceInstance', value: 'ServiceInstance' }, ...extra });

  before(async () => {
    fake = await startFakeVcenter((request) => {
      seen.push(request);
      return reply;
    });
  });
  after(async () => {
    await fake?.close();
  });

  it('POSTs the envelope with the vim25 Content-Type, SOAPAction and session cookie', async () => {
    reply = { status: 200, body: SOAP_OK };
    seen.length = 0;
    const { response } = await call({ cookie: '"52c4a1f0"' });
    assert.equal(response.local, 'CurrentTimeResponse');
    const [request] = seen;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/sdk');
    assert.equal(request?.headers['content-type'], 'text/xml; charset="utf-8"');
    assert.equal(request?.headers['soapaction'], 'urn:vim25/8.0.2.0');
    assert.equal(request?.headers['cookie'], 'vmware_soap_session="52c4a1f0"');
    assert.match(request?.body ?? '', /<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance<\/_this><\/CurrentTime>/);
  });

  it('does not follow redirects, and reports them as CONN_BAD_RESPONSE', async () => {
    reply = { status: 302, body: '', headers: { location: '/elsewhere' } };
    seen.length = 0;
    await assert.rejects(call(), { code: 'CONN_BAD_RESPONSE' });
    assert.deepEqual(seen.map((r) => r.path), ['/sdk']);
  });

  it('reports an HTML page or a 500 without SOAP fault as CONN_BAD_RESPONSE without quoting it', async () => {
    for (const status of [200, 500, 401]) {
      reply = { status, body: '<html><body>Sign in: secret-hint</body></html>' };
      await assert.rejects(call(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONN_BAD_RESPONSE');
        assert.ok(error.message.includes(`HTTP ${status}`) || error.message.includes('unexpected SOAP body'), error.message);
        assert.ok(!error.message.includes('secret-hint'), 'the error never repeats the body\'s text (secret-hint)');
        return true;
      });
    }
  });

  it('refuses an oversized answer with CONN_BAD_RESPONSE', async () => {
    reply = { status: 200, body: `<a>${'x'.repeat(5 * 1024 * 1024)}</a>` };
    await assert.rejects(call(), { code: 'CONN_BAD_RESPONSE' });
  });

  it('maps a SOAP fault to its code', async () => {
    reply = {
      status: 500,
      body:
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
        '<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring></faultstring><detail><NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"/></detail></soapenv:Fault>' +
        '</soapenv:Body></soapenv:Envelope>',
    };
    await assert.rejects(call({ cookie: 'stale' }), { code: 'CONN_NOT_AUTHENTICATED' });
  });
  it('asks for gzip and reads a compressed answer as it arrives', async () => {
    reply = { status: 200, body: gzipSync(SOAP_OK), headers: { 'content-encoding': 'gzip' } };
    seen.length = 0;
    const { response } = await call();
    assert.equal(response.local, 'CurrentTimeResponse');
    assert.equal(seen[0]?.headers['accept-encoding'], 'gzip');
  });

  it('caps the decompressed size, so a small gzip bomb is refused (security)', async () => {
    // 8 MiB of spaces inside a valid envelope compress to about 8 KiB; the cap is 4 MiB.
    const bomb = SOAP_OK.replace('<soapenv:Body>', `<soapenv:Body>${' '.repeat(8 * 1024 * 1024)}`);
    reply = { status: 200, body: gzipSync(bomb), headers: { 'content-encoding': 'gzip' } };
    assert.ok((reply.body as Buffer).length < 64 * 1024, 'the gzip bomb is under 64 KiB on the wire');
    await assert.rejects(call(), (error: Error & { code?: string }) => error.code === 'CONN_BAD_RESPONSE' && /more than/.test(error.message));
  });

  it('refuses a body that does not decompress, and an encoding it did not ask for', async () => {
    reply = { status: 200, body: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' } };
    await assert.rejects(call(), (error: Error & { code?: string }) => error.code === 'CONN_BAD_RESPONSE' && /does not decompress/.test(error.message));
    reply = { status: 200, body: SOAP_OK, headers: { 'content-encoding': 'br' } };
    await assert.rejects(call(), (error: Error & { code?: string }) => error.code === 'CONN_BAD_RESPONSE' && /not asked for/.test(error.message));
  });
});
