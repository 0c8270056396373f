import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildEndpoint, type BuildEndpointOptions } from '../../../src/base/kinds/build-endpoint.js';
import { EndpointInputError } from '../../../src/base/kinds/endpoint-input-error.js';

const LABELS: Record<string, string> = { id: 'Name', url: 'URL', username: 'User', domain: 'Domain', fingerprint: 'Pin', caFile: 'CA', database: 'Database', loginVariant: 'Variant' };
const options = (ca: BuildEndpointOptions['checkCaFile'] = (file) => ({ ok: true, path: `/abs/${file}` })): BuildEndpointOptions => ({ nameOf: (f) => LABELS[f] ?? `?${f}`, checkCaFile: ca });
const base = { kind: 'vsphere', id: 'vc1', url: 'https://vc1.corp.example', username: 'admin' };

/** The EndpointInputError `run` throws: its field and message. */
function refusal(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof EndpointInputError, String(e));
    assert.equal(e.code, 'CORE_ENDPOINT_INPUT');
    return { field: e.field, message: e.message };
  }
  assert.fail('expected an EndpointInputError');
}

describe('buildEndpoint()', () => {
  it('builds an endpoint with the kind\'s default path, own credential, and read-write by default', () => {
    assert.deepEqual(buildEndpoint(base, options()), {
      endpoint: { id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'admin', tls: { verify: true }, readOnly: false, credential: 'endpoint:vc1' },
    });
  });

  it('takes the kind\'s own fields from its descriptor, with their defaults, and names a missing one as the caller does', () => {
    const p6 = { ...base, kind: 'p6', url: 'https://p6.corp.example' };
    assert.deepEqual(refusal(() => buildEndpoint(p6, options())), { field: 'database', message: 'missing Database; give the P6 database alias (see the P6 login page)' });
    const { endpoint } = buildEndpoint({ ...p6, fields: { database: ' PMDB ' } }, options());
    assert.deepEqual([endpoint.url, (endpoint as Record<string, unknown>)['database'], (endpoint as Record<string, unknown>)['loginVariant']], ['https://p6.corp.example/p6ws/restapi', 'PMDB', 'headers']);
    assert.match(refusal(() => buildEndpoint({ ...p6, fields: { database: 'PMDB', loginVariant: 'cookie' } }, options())).message, /^Variant: /);
    assert.equal(refusal(() => buildEndpoint({ ...base, fields: { database: 'PMDB' } }, options())).message, 'Database does not apply to vSphere endpoints; leave it out');
  });

  it('puts a domain credential, CA file and pin in the endpoint, and refuses them where they do not fit', () => {
    const built = buildEndpoint({ ...base, domain: '*.Corp.Example', caFile: 'ca.pem', fingerprint: 'AA'.repeat(32), readOnly: true }, options());
    assert.equal(built.domain, 'corp.example');
    assert.equal(built.endpoint.credential, 'domain:corp.example');
    assert.equal(built.endpoint.readOnly, true);
    assert.equal(built.endpoint.tls.caFile, '/abs/ca.pem');
    assert.ok(built.endpoint.tls.fingerprintSha256, 'the endpoint keeps the pinned certificate fingerprint');
    // Security: an endpoint outside a domain must not claim the domain's shared password.
    assert.deepEqual(refusal(() => buildEndpoint({ ...base, domain: 'corp.example.evil.test' }, options())), {
      field: 'url', message: 'URL host vc1.corp.example is not inside Domain corp.example.evil.test; use an endpoint of that domain or drop Domain',
    });
    assert.deepEqual(refusal(() => buildEndpoint({ ...base, caFile: 'x.pem' }, options(() => ({ ok: false, message: '/x.pem does not exist; give a PEM file' })))), { field: 'caFile', message: 'CA /x.pem does not exist; give a PEM file' });
    assert.equal(refusal(() => buildEndpoint({ ...base, url: 'http://localhost:8080', caFile: 'ca.pem' }, options())).message, 'Pin and CA need an https URL');
  });

  it('refuses a missing or bad name, URL or user with the caller\'s name for it', () => {
    assert.equal(refusal(() => buildEndpoint({ ...base, id: 'a/b' }, options())).field, 'id');
    assert.equal(refusal(() => buildEndpoint({ ...base, url: '' }, options())).message, 'missing URL; e.g. https://vc1.corp.example');
    assert.equal(refusal(() => buildEndpoint({ ...base, username: '' }, options())).message, 'missing User; give the upstream user name');
    assert.match(refusal(() => buildEndpoint({ ...base, url: 'http://vc1.corp.example' }, options())).message, /^URL must use https/);
    assert.match(refusal(() => buildEndpoint({ ...base, fingerprint: 'zz' }, options())).message, /^Pin: /);
  });

  it('takes a domain typed in Unicode in the ASCII form its URL host has (D149)', () => {
    const built = buildEndpoint({ ...base, url: 'https://vc1.Bücher.example', domain: '*.bücher.EXAMPLE' }, options());
    assert.deepEqual([built.domain, built.endpoint.url, built.endpoint.credential], ['xn--bcher-kva.example', 'https://vc1.xn--bcher-kva.example/sdk', 'domain:xn--bcher-kva.example']);
    assert.equal(buildEndpoint({ ...base, url: 'https://vc1.xn--bcher-kva.example', domain: 'xn--bcher-kva.example' }, options()).domain, 'xn--bcher-kva.example');
    assert.match(refusal(() => buildEndpoint({ ...base, url: 'https://vc1.corp.example', domain: 'bücher.example' }, options())).message, /^URL host vc1\.corp\.example is not inside Domain xn--bcher-kva\.example/);
    for (const domain of ['bücher.example/x', 'user@bücher.example', 'bücher.example:443', 'b ücher.example']) {
      assert.equal(refusal(() => buildEndpoint({ ...base, url: 'https://vc1.xn--bcher-kva.example', domain }, options())).message, 'Domain: use a DNS domain such as corp.example', domain);
    }
  });

  it('trims a user name and refuses one holding a control, line-break or invisible character (D147)', () => {
    assert.equal(buildEndpoint({ ...base, username: ' admin@vsphere.local\t' }, options()).endpoint.username, 'admin@vsphere.local');
    assert.equal(buildEndpoint({ ...base, username: 'Jürgen Müller' }, options()).endpoint.username, 'Jürgen Müller');
    assert.equal(refusal(() => buildEndpoint({ ...base, username: '  ' }, options())).message, 'missing User; give the upstream user name');
    for (const username of ['adm\u001b[31min', 'admin\u0007', 'ad\nmin', 'ad\u200bmin', 'admin\u202e', 'ad\u009bmin', 'adm\u007fin']) {
      assert.deepEqual(refusal(() => buildEndpoint({ ...base, username }, options())), { field: 'username', message: 'User holds a control, line-break or invisible character; type the user name itself' }, JSON.stringify(username));
    }
  });
});
