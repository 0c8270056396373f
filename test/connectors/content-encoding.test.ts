// What a connector does with a compressed answer (D140). vAPI and P6 ask for
// none (`accept-encoding: identity`) and undo none, so an answer compressed anyway (a proxy
// that compresses regardless) is refused in one line that names the encoding, where its
// bytes used to be reported as "not JSON" / "invalid JSON". SOAP asks for gzip and
// decompresses under its cap (soap-call.test.ts). A real local HTTPS server sends the answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isConnectorError } from '../../src/connectors/connector-error.js';
import { unaskedContentEncoding } from '../../src/connectors/content-encoding.js';
import { p6Exchange } from '../../src/connectors/p6/client/p6-exchange.js';
import { p6Login } from '../../src/connectors/p6/session/p6-login.js';
import { vapiLogin } from '../../src/connectors/vsphere/session/vapi-session.js';
import { VapiClient } from '../../src/connectors/vsphere/vapi/vapi-client.js';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream.js';

const json = { 'content-type': 'application/json' };
const session = { token: async () => 'vapi-session', renew: async () => 'vapi-session' };
let upstream: RawUpstream;
/** The accept-encoding of every request, by path. */
const asked = new Map<string, string | undefined>();

before(async () => {
  upstream = await startRawUpstream((req, res) => {
    const user = req.headers['authorization'] ? Buffer.from(req.headers['authorization'].slice('Basic '.length), 'base64').toString().split(':')[0] : undefined;
    const path = `${req.url ?? ''}${user ? `#${user}` : ''}`;
    asked.set(path, req.headers['accept-encoding']);
    const gzip = (text: string, encoding = 'gzip') => res.writeHead(200, { ...json, 'content-encoding': encoding }).end(gzipSync(text));
    if (path.endsWith('/gzip') || path.endsWith('#gzip')) return gzip('{"value":"compressed"}');
    if (path.endsWith('/br')) return gzip('{"value":"x"}', 'br');
    if (path.endsWith('/odd')) return gzip('{"value":"x"}', 'x-token="abc"');
    if (path.endsWith('/identity')) return res.writeHead(200, { ...json, 'content-encoding': 'identity' }).end('{"value":"plain"}');
    if (path.startsWith('/p6ws/restapi/login')) return res.writeHead(200, { ...json, 'content-encoding': 'gzip', 'set-cookie': 'JSESSIONID=abc; Path=/p6ws' }).end(gzipSync('{}'));
    if (path.startsWith('/p6ws/restapi/project')) return gzip('[{"Id":"P1"}]');
    if (path.startsWith('/p6ws/restapi/untyped')) return res.writeHead(200).end('[]');
    if (path.startsWith('/p6ws/restapi/charset')) return res.writeHead(200, { 'content-type': 'Application/JSON ; charset=UTF-8' }).end('[{"Id":"P1"}]');
    // A header on an empty answer (a 204) compresses nothing.
    if (path.startsWith('/p6ws/restapi/empty')) return res.writeHead(204, { 'content-encoding': 'gzip' }).end();
    res.writeHead(200, json).end(JSON.stringify({ value: path }));
  });
});
after(() => upstream.close());

describe('compressed answers', () => {
  it('vAPI: asks for identity, and names a gzip answer as compressed with what to check, not "not JSON"', async () => {
    const client = new VapiClient({ url: upstream.url, dispatcher: upstream.dispatcher, session });
    await assert.rejects(client.call('GET', '/gzip'), (e: unknown) =>
      isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' &&
      /^the vAPI service at https:\/\/127\.0\.0\.1:\d+ answered GET \/gzip compressed \(content-encoding: gzip\) although KeyBroker asked for none; check for a proxy between KeyBroker and vCenter that compresses answers$/.test(e.message));
    assert.equal(asked.get('/rest/gzip'), 'identity');
    await assert.rejects(client.call('GET', '/br'), /content-encoding: br\)/);
    // Server text in the error is kept to a short token.
    await assert.rejects(client.call('GET', '/odd'), /\(content-encoding: an unknown encoding\)/);
    assert.equal(await client.call('GET', '/identity'), 'plain');
    assert.equal(await client.call('GET', '/plain'), '/rest/plain');
  });

  it('vAPI login: asks for identity, and names a gzip answer as compressed', async () => {
    await assert.rejects(vapiLogin({ url: upstream.url, username: 'gzip', password: 'pw-9b1f', dispatcher: upstream.dispatcher }), (e: unknown) =>
      isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' && /answered the session login compressed \(content-encoding: gzip\) although KeyBroker asked for none/.test(e.message) && !e.message.includes('pw-9b1f'));
    assert.equal(asked.get('/rest/com/vmware/cis/session#gzip'), 'identity');
  });

  it('P6: an exchange asks for identity, and a gzip answer is named as compressed, not "invalid JSON"', async () => {
    const url = new URL(`${upstream.origin}/p6ws/restapi/project?Fields=Id`);
    await assert.rejects(
      p6Exchange({ url, method: 'GET', headers: { accept: 'application/json' }, dispatcher: upstream.dispatcher, timeoutMs: 10_000, maxBodyBytes: 1024 }),
      (e: unknown) => isConnectorError(e) && e.code === 'CONN_BAD_RESPONSE' &&
        /^P6 at https:\/\/127\.0\.0\.1:\d+ answered compressed \(content-encoding: gzip\) although KeyBroker asked for none; check for a proxy between KeyBroker and P6 that compresses answers$/.test(e.message),
    );
    assert.equal(asked.get('/p6ws/restapi/project?Fields=Id'), 'identity');
    const empty = await p6Exchange({ url: new URL(`${upstream.origin}/p6ws/restapi/empty`), method: 'DELETE', headers: {}, dispatcher: upstream.dispatcher, timeoutMs: 10_000, maxBodyBytes: 1024 });
    assert.deepEqual([empty.status, empty.body], [204, '']);
  });

  it('P6: an exchange reads the media type without its parameters or case (what decides JSON or not)', async () => {
    const r = await p6Exchange({ url: new URL(`${upstream.origin}/p6ws/restapi/charset`), method: 'GET', headers: {}, dispatcher: upstream.dispatcher, timeoutMs: 10_000, maxBodyBytes: 1024 });
    assert.deepEqual([r.status, r.mediaType, r.body], [200, 'application/json', '[{"Id":"P1"}]']);
    // No content-type at all is no media type (P6 then says "no content type"), not a made-up one.
    const untyped = await p6Exchange({ url: new URL(`${upstream.origin}/p6ws/restapi/untyped`), method: 'GET', headers: {}, dispatcher: upstream.dispatcher, timeoutMs: 10_000, maxBodyBytes: 1024 });
    assert.deepEqual([untyped.status, untyped.mediaType], [200, '']);
  });

  it('P6 login: asks for identity; the status and cookies decide, a compressed body is not read as text', async () => {
    const s = await p6Login({ baseUrl: `${upstream.origin}/p6ws/restapi`, database: 'PMDB', username: 'admin', password: 'pw', variant: 'headers', dispatcher: upstream.dispatcher });
    assert.equal(s.cookieHeader, 'JSESSIONID=abc');
    assert.equal(asked.get('/p6ws/restapi/login?DatabaseName=PMDB'), 'identity');
  });

  it('reads absent, empty and identity as uncompressed, lists as one value', () => {
    assert.equal(unaskedContentEncoding({}), undefined);
    assert.equal(unaskedContentEncoding({ 'content-encoding': '' }), undefined);
    assert.equal(unaskedContentEncoding({ 'content-encoding': ' Identity ' }), undefined);
    assert.equal(unaskedContentEncoding({ 'content-encoding': 'GZIP' }), 'gzip');
    assert.equal(unaskedContentEncoding({ 'content-encoding': ['gzip', 'br'] }), 'gzip, br');
    assert.equal(unaskedContentEncoding({ 'content-encoding': 'x'.repeat(41) }), 'an unknown encoding');
  });
});
